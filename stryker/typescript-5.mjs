/**
 * Loaded into Stryker's own process (`npm run mutate`) and its checker process (`checkerNodeArgs`), it
 * hands Stryker the two TypeScripts it asks for:
 * - `typescript`: Stryker's core (to read tsconfig files) and its checker plugin (to parse the tsconfig it
 *   hands the compiler) import the compiler API of TypeScript 5, which TypeScript 7 (the project's
 *   compiler, `npm run typecheck`) no longer ships. They get the TypeScript 5 of this folder's package.
 * - `@typescript/native/unstable/sync`: the checker type checks each mutant with TypeScript 7 itself
 *   (`typescriptChecker.experimentalNativePreview`), whose API the project's own `typescript` package
 *   exports as `typescript/unstable/sync`; the plugin looks for it under the alias its docs install.
 * Every other import of either is left alone.
 */
import { createRequire, registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

const typescript5 = pathToFileURL(createRequire(import.meta.url).resolve('typescript')).href;
const typescript7Api = pathToFileURL(
  createRequire(new URL('../package.json', import.meta.url)).resolve('typescript/unstable/sync'),
).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (context.parentURL?.includes('/node_modules/@stryker-mutator/')) {
      if (specifier === 'typescript') return { url: typescript5, format: 'commonjs', shortCircuit: true };
      if (specifier === '@typescript/native/unstable/sync') {
        return { url: typescript7Api, format: 'module', shortCircuit: true };
      }
    }
    return nextResolve(specifier, context);
  },
});
