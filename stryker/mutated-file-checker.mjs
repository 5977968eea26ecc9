// @ts-check
/**
 * A Stryker checker (`checkers: ['mutated-file']`): a mutant that does not compile is reported as a
 * CompileError instead of being run against the tests. It type checks with TypeScript 7, the project's
 * compiler, through its API (`typescript/unstable/sync`), the file the mutant changes and nothing else.
 *
 * Stryker's own TypeScript checker (with `experimentalNativePreview`) checks the whole program for each
 * mutant: about 0.2 s of CPU, most of it spent on files the mutant cannot have broken. In a full run
 * 1,338 of the 1,340 compile errors it found were in the mutated file itself; the other two (a function
 * whose inferred return type the mutant changed, breaking a caller) are run against the tests here. The
 * file alone takes about 0.08 s.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CheckStatus } from '@stryker-mutator/api/check';
import { commonTokens, declareClassPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';

/** The project's TypeScript 7 (this folder's own package holds TypeScript 5, see typescript-5.mjs). */
const typescript7Api = pathToFileURL(
  createRequire(new URL('../package.json', import.meta.url)).resolve('typescript/unstable/sync'),
).href;

/** `DiagnosticCategory.Error` of the TypeScript 7 API. */
const ERROR = 1;

/**
 * The code style options Stryker's own checker turns off as well: a mutant may leave code unreachable or a
 * local unused without being wrong. Nothing is emitted.
 */
const COMPILER_OPTION_OVERRIDES = {
  allowUnreachableCode: true,
  noUnusedLocals: false,
  noUnusedParameters: false,
  noEmit: true,
};

/** Offset in `text` of a zero-based line and column, as Stryker locates a mutant. */
function offsetOf(text, { line, column }) {
  let offset = 0;
  for (let l = 0; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  return offset + column;
}

class MutatedFileChecker {
  static inject = tokens(commonTokens.logger, commonTokens.options);

  /** @type {import('typescript/unstable/sync').API | undefined} */
  #api;
  /** File name → the text the compiler reads instead of the file's: the mutated file, the tsconfig. */
  #overrides = new Map();
  /** File name → its text on disk, read once. */
  #originals = new Map();
  /** The file the last check mutated (restored by the next one). */
  #lastFile;
  #tsconfig;
  #log;

  /**
   * @param {import('@stryker-mutator/api/logging').Logger} log
   * @param {import('@stryker-mutator/api/core').StrykerOptions} options
   */
  constructor(log, options) {
    this.#log = log;
    this.#tsconfig = path.resolve(String(options.tsconfigFile));
  }

  async init() {
    const { API } = await import(typescript7Api);
    const config = JSON.parse(readFileSync(this.#tsconfig, 'utf8'));
    config.compilerOptions = { ...config.compilerOptions, ...COMPILER_OPTION_OVERRIDES };
    this.#overrides.set(this.#tsconfig, JSON.stringify(config));
    this.#api = new API({
      cwd: process.cwd(),
      fs: { readFile: (fileName) => this.#overrides.get(fileName) },
    });
    // Once, the whole program: a mutant's error must be its own.
    const errors = this.#diagnostics();
    if (errors.length > 0) throw new Error(`Type errors before any mutant:\n${errors.join('\n')}`);
    this.#log.info('Type checking each mutant in its own file with TypeScript 7 (%s).', this.#tsconfig);
  }

  /** One mutant per check: each is compiled on its own, so an error is always the mutant's. */
  async group(mutants) {
    return mutants.map((m) => [m.id]);
  }

  /** @param {import('@stryker-mutator/api/core').Mutant[]} mutants */
  async check(mutants) {
    /** @type {Record<string, import('@stryker-mutator/api/check').CheckResult>} */
    const results = {};
    for (const mutant of mutants) {
      const fileName = path.resolve(mutant.fileName);
      const original = this.#original(fileName);
      const start = offsetOf(original, mutant.location.start);
      const end = offsetOf(original, mutant.location.end);
      const changed = new Set([fileName]);
      if (this.#lastFile !== undefined && this.#lastFile !== fileName) {
        this.#overrides.delete(this.#lastFile);
        changed.add(this.#lastFile);
      }
      this.#overrides.set(fileName, `${original.slice(0, start)}${mutant.replacement}${original.slice(end)}`);
      this.#lastFile = fileName;
      const errors = this.#diagnostics([...changed], fileName);
      results[mutant.id] =
        errors.length > 0
          ? { status: CheckStatus.CompileError, reason: errors.join('\n') }
          : { status: CheckStatus.Passed };
    }
    return results;
  }

  async dispose() {
    this.#api?.close();
  }

  #original(fileName) {
    let text = this.#originals.get(fileName);
    if (text === undefined) {
      text = readFileSync(fileName, 'utf8');
      this.#originals.set(fileName, text);
    }
    return text;
  }

  /** Errors of `file` (of every file without one) in a snapshot with `changed` read again. */
  #diagnostics(changed, file) {
    const api = /** @type {import('typescript/unstable/sync').API} */ (this.#api);
    const snapshot = api.updateSnapshot({
      openProject: this.#tsconfig,
      ...(changed ? { fileChanges: { changed } } : {}),
    });
    try {
      const errors = [];
      for (const project of snapshot.getProjects()) {
        const { program } = project;
        const found = file
          ? [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]
          : [
              ...program.getConfigFileParsingDiagnostics(),
              ...program.getSyntacticDiagnostics(),
              ...program.getSemanticDiagnostics(),
            ];
        for (const d of found) {
          if (d.category !== ERROR) continue;
          const where = d.fileName ? path.relative(process.cwd(), d.fileName) : '(project)';
          errors.push(`${where} (at ${d.pos}): error TS${d.code}: ${d.text}`);
        }
      }
      return errors;
    } finally {
      snapshot.dispose();
    }
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Checker, 'mutated-file', MutatedFileChecker)];
