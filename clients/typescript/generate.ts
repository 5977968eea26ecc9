/**
 * Writes the partner client's generated files from the zod schemas, or (`--check`) fails when the
 * committed ones differ from what the schemas give now:
 * - `generated/openapi.json`: the document `GET /v1/openapi.json` serves (and Redocly lints);
 * - `generated/schema.ts`: its types, by openapi-typescript, that `index.ts` hands to openapi-fetch.
 *
 * `npm run client:generate` writes them; `npm run client:check` (part of `npm test`) checks them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { openApiDocument } from '../../shared/schemas/openapi.ts';

const documentText = `${JSON.stringify(openApiDocument(), null, 2)}\n`;
const ast = await openapiTS(JSON.parse(documentText), { silent: true });
const schemaText = `${COMMENT_HEADER}${astToString(ast)}`;

const files: [URL, string][] = [
  [new URL('./generated/openapi.json', import.meta.url), documentText],
  [new URL('./generated/schema.ts', import.meta.url), schemaText],
];

if (process.argv.includes('--check')) {
  const stale = files.filter(([url, text]) => {
    try {
      return readFileSync(url, 'utf8') !== text;
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(
      `the committed client is not what the OpenAPI document gives now: ${stale.map(([url]) => url.pathname).join(', ')}\nrun \`npm run client:generate\` and commit the result`,
    );
    process.exit(1);
  }
  console.log('client: generated/openapi.json and generated/schema.ts match the document');
} else {
  for (const [url, text] of files) writeFileSync(url, text);
  console.log(`client: wrote ${files.map(([url]) => url.pathname).join(', ')}`);
}
