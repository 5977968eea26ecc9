/**
 * Loaded into Stryker's own process (`npm run mutate`) and its checker processes (`checkerNodeArgs`):
 * Stryker's core (to read tsconfig files) and its TypeScript checker import `typescript` for the compiler
 * API, which TypeScript 7 (the project's compiler, `npm run typecheck`) no longer ships. This hands them
 * the TypeScript 5 of this folder's package instead; every other import of `typescript` is left alone.
 */
import { createRequire, registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

const typescript5 = pathToFileURL(createRequire(import.meta.url).resolve('typescript')).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'typescript' && context.parentURL?.includes('/node_modules/@stryker-mutator/')) {
      return { url: typescript5, format: 'commonjs', shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});
