import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

/** The parts of an OpenAPI 3.1 document the contract check reads. */
interface HeaderObject {
  required?: boolean;
  schema?: unknown;
}
interface ResponseObject {
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, HeaderObject>;
}
interface OperationObject {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}
export interface OpenApiDocumentLike {
  paths?: Record<string, Record<string, OperationObject>>;
  components?: { responses?: Record<string, ResponseObject>; headers?: Record<string, HeaderObject> };
}

/** One answer as the client saw it. */
export interface ObservedResponse {
  method: string;
  /** The request path as sent (may be percent-encoded, may carry a query). */
  path: string;
  status: number;
  headers: Headers;
  /** The body as text, exactly as received. */
  body: string;
}

/** Headers any HTTP server adds; every other response header must be in the document. */
const TRANSPORT_HEADERS = new Set([
  'content-type',
  'content-length',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const pointerToken = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

interface CompiledOperation {
  id: string;
  method: string;
  template: string;
  pattern: RegExp;
  pointer: string;
  responses: Record<string, ResponseObject>;
}

/**
 * Checks answers against the served OpenAPI document, as a partner's generated client would rely on it:
 * the operation exists, the status is documented, the media type and the body match the schema the
 * document gives for that status (Ajv, JSON Schema 2020-12, formats checked), required headers are
 * present, and no header outside the document (and plain HTTP) is sent.
 */
export class OpenApiContract {
  private readonly ajv: Ajv2020;
  private readonly operations: CompiledOperation[];
  private readonly validators = new Map<string, ValidateFunction>();
  /** `operationId status` of every answer checked, for coverage. */
  readonly seen = new Map<string, number>();

  constructor(private readonly document: OpenApiDocumentLike) {
    this.ajv = new Ajv2020({ strict: true, allErrors: true });
    ajvFormats.default(this.ajv);
    // The document's own top-level fields are not JSON Schema keywords: declare them so strict mode
    // still rejects any unknown keyword inside the schemas themselves.
    this.ajv.addVocabulary([
      'openapi',
      'info',
      'servers',
      'paths',
      'components',
      'security',
      'tags',
      'externalDocs',
      'webhooks',
      'jsonSchemaDialect',
    ]);
    this.ajv.addSchema(document as object, 'openapi.json');
    this.operations = Object.entries(document.paths ?? {}).flatMap(([template, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]) => ({
          id: op.operationId ?? `${method.toUpperCase()} ${template}`,
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`),
          pointer: `#/paths/${pointerToken(template)}/${method}`,
          responses: op.responses ?? {},
        })),
    );
  }

  /** Every `operationId status` pair the document declares. */
  documented(): string[] {
    return this.operations.flatMap((op) => Object.keys(op.responses).map((status) => `${op.id} ${status}`));
  }

  /** What is wrong with this answer by the document; empty when it matches. */
  check(answer: ObservedResponse): string[] {
    const pathname = new URL(answer.path, 'http://x').pathname;
    const label = `${answer.method} ${pathname} → ${answer.status}`;
    const op = this.operations.find((o) => o.method === answer.method && o.pattern.test(pathname));
    if (!op) return [`${label}: no such operation in the document`];
    const status = String(answer.status);
    const key = [status, `${status[0]}XX`, 'default'].find((k) => op.responses[k] !== undefined);
    if (!key) return [`${label}: status ${status} is not documented for ${op.id}`];
    this.seen.set(`${op.id} ${status}`, (this.seen.get(`${op.id} ${status}`) ?? 0) + 1);
    const { node: response, pointer: responsePointer } = this.resolve<ResponseObject>(
      op.responses[key] as ResponseObject,
      `${op.pointer}/responses/${key}`,
    );
    const problems: string[] = [];

    const documentedHeaders = Object.fromEntries(
      Object.entries(response.headers ?? {}).map(([name, h]) => [
        name.toLowerCase(),
        this.resolve(h, '').node,
      ]),
    );
    for (const [name, header] of Object.entries(documentedHeaders)) {
      const value = answer.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`${label}: required header ${name} is missing`);
        continue;
      }
      if (header.schema !== undefined) {
        const validate = this.ajv.compile(header.schema as object);
        const typed = (header.schema as { type?: string }).type === 'integer' ? Number(value) : value;
        if (!validate(typed))
          problems.push(`${label}: header ${name}=${value} ${this.ajv.errorsText(validate.errors)}`);
      }
    }
    answer.headers.forEach((_value, name) => {
      if (!TRANSPORT_HEADERS.has(name) && !(name in documentedHeaders))
        problems.push(`${label}: header ${name} is not documented`);
    });

    const content = response.content ?? {};
    const mediaTypes = Object.keys(content);
    if (mediaTypes.length === 0) {
      if (answer.body.length > 0) problems.push(`${label}: a body is sent but the document gives no content`);
      return problems;
    }
    const contentType = (answer.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const mediaType = mediaTypes.find((m) => m.toLowerCase() === contentType);
    if (!mediaType) {
      problems.push(
        `${label}: content-type ${contentType || '(none)'} is not one of ${mediaTypes.join(', ')}`,
      );
      return problems;
    }
    if (content[mediaType]?.schema === undefined) {
      problems.push(`${label}: ${mediaType} has no schema in the document`);
      return problems;
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      problems.push(`${label}: the body is not JSON`);
      return problems;
    }
    const validate = this.validatorAt(`${responsePointer}/content/${pointerToken(mediaType)}/schema`);
    if (!validate(body)) {
      problems.push(
        `${label}: the body does not match the document: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}`,
      );
    }
    return problems;
  }

  /** Follows `$ref`s within the document; the pointer is where the object finally is. */
  private resolve<T extends object>(
    value: T | { $ref: string },
    pointer: string,
  ): { node: T; pointer: string } {
    let node: unknown = value;
    let at = pointer;
    while (node && typeof node === 'object' && '$ref' in node) {
      at = (node as { $ref: string }).$ref;
      node = at
        .replace(/^#\//, '')
        .split('/')
        .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((parent, token) => (parent as Record<string, unknown>)?.[token], this.document);
    }
    return { node: node as T, pointer: at };
  }

  private validatorAt(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.getSchema(`openapi.json${pointer}`);
      if (!validate) throw new Error(`no schema at ${pointer}`);
      this.validators.set(pointer, validate);
    }
    return validate;
  }
}
