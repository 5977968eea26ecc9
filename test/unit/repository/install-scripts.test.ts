import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockedPackage {
  hasInstallScript?: boolean;
  dev?: boolean;
}

const lock = JSON.parse(readFileSync(new URL('../../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, LockedPackage>;
};
/** The packages allowed to run a script at install (package.json `allowScripts`; README says why each). */
const allowed = Object.keys(
  (
    JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      allowScripts: Record<string, boolean>;
    }
  ).allowScripts,
);
const withScripts = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript);

describe('install scripts in package-lock.json', () => {
  it('come only from the packages package.json allows: a new one fails here until it is looked at', () => {
    expect(withScripts.map(([path]) => path.replace(/^node_modules\//, '')).sort()).toEqual(allowed.sort());
  });

  it('never come from a package that ships to Lambda (production dependencies)', () => {
    expect(withScripts.filter(([, p]) => !p.dev).map(([path]) => path)).toEqual([]);
  });
});
