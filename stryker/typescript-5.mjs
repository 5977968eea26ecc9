/**
 * Loaded into Stryker's own process (`npm run mutate`): Stryker's core imports `typescript` to read the
 * tsconfig files it copies into its sandbox, with the compiler API of TypeScript 5, which TypeScript 7 (the
 * project's compiler, `npm run typecheck`) no longer ships. This hands it the TypeScript 5 of this folder's
 * package instead; every other import of `typescript` is left alone. (The checker, mutated-file-checker.mjs,
 * uses TypeScript 7 itself.)
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
