// @ts-check
/**
 * `node stryker/unlisted-survivors.mjs`: the surviving and uncovered mutants of the last run
 * (reports/mutation/mutation.json) that test/EQUIVALENT_MUTANTS.md does not list. Each one is a missing
 * test or a missing entry; the exit code is 1 while there are any.
 */
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8'));
const doc = readFileSync('test/EQUIVALENT_MUTANTS.md', 'utf8');

/** `shared/<folder>/<file>:<line>:<column>` of every listed entry (a cell may name several locations). */
const listed = new Set();
let folder = '';
for (const line of doc.split('\n')) {
  const heading = line.match(/^## (shared\/\S+)/);
  if (heading) folder = heading[1] ?? '';
  const cell = line.match(/^\| ([\w./-]+\.ts):([^|]+?) +\|/);
  if (!cell || !folder) continue;
  for (const at of (cell[2] ?? '').split(/,\s*/)) listed.add(`${folder}/${cell[1]}:${at.trim()}`);
}

const unlisted = [];
for (const [file, result] of Object.entries(report.files))
  for (const m of result.mutants) {
    if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
    const at = `${file}:${m.location.start.line}:${m.location.start.column}`;
    if (!listed.has(at)) unlisted.push(`${m.status} ${at} ${m.mutatorName} ${JSON.stringify(m.replacement)}`);
  }
console.log(unlisted.length === 0 ? 'every survivor is listed' : unlisted.join('\n'));
process.exitCode = unlisted.length === 0 ? 0 : 1;
