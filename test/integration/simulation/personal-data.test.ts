/**
 * Personal data provably absent (SPEC §4, "Personal data"): after a simulation with faults, every item
 * of the table, every file the run wrote and every log line is searched for each borrower's own phone
 * number, email, ID number and name: none may appear in the clear.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { localDynamoDbClient } from '#local/dynamodb-local.ts';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation } from '#local/simulation/run-simulation.ts';
import { loadRules } from '#shared/config/rules.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { type Portfolio, portfolioSchema } from '#shared/schemas/portfolio.ts';
import application from '../../fixtures/application.json' with { type: 'json' };
import { fileDynamoDb } from '../../support/dynamodb.ts';

const db = fileDynamoDb();

/** The specification's example book, and an application a partner sends with a person of its own. */
const example = portfolioSchema.parse(
  JSON.parse(
    readFileSync(new URL('../../../../shared/examples/portfolio-small.json', import.meta.url), 'utf8'),
  ),
);
const applicant = {
  ...application.applicant,
  name: '欧阳明月',
  phone: '+8613511112222',
  email: 'mingyue.ouyang@example.org',
  idNumber: withCheckChar('11010519851203457'),
  birthDate: '1985-12-03',
};
const portfolio: Portfolio = {
  ...example,
  applications: [
    {
      at: '2027-05-03T02:00:00.000Z',
      partnerId: 'p-demo',
      body: { ...application, borrowerId: 'applicant-9', applicant },
    },
  ],
};

/** Each person's values as they would leak: whole, and the phone without its country code. */
const people = [...example.borrowers, { ...applicant, borrowerId: 'applicant-9' }];
const secrets = people.flatMap((p) =>
  [p.phone, p.phone.replace(/^\+86/, ''), p.email, p.idNumber, p.name].filter(
    (v): v is string => typeof v === 'string' && v.length > 0,
  ),
);

let tableText = '';
let filesText = '';
let logText = '';
let scoredApplications = 0;
const outDir = mkdtempSync(join(tmpdir(), 'duebell-pii-'));

beforeAll(async () => {
  const logged: string[] = [];
  // Kept, not printed: the run logs every fault it meets.
  const capture = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    logged.push(String(chunk));
    return true;
  });
  try {
    const run = await runSimulation({
      portfolio,
      from: '2027-05-01',
      days: 75,
      faults: parseFaults('sns=0.1,crash=0.05,redeliver=0.2,dup=0.2,bus=0.2'),
      seed: 11,
      rules: loadRules({ timezone: 'Asia/Shanghai', schedule: { dueIndexShards: 1 } }),
      dynamodbEndpoint: db.endpoint(),
      keepTables: true,
      outDir,
      logLevel: 'DEBUG',
    });
    scoredApplications = run.events.filter((e) => e.type === 'ApplicationScored').length;
    const client = localDynamoDbClient(db.endpoint());
    for (const table of run.summary.tables ?? []) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({ TableName: table, ExclusiveStartKey: startKey as never }),
        );
        tableText += (page.Items ?? []).map((i) => JSON.stringify(unmarshall(i))).join('\n');
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
    client.destroy();
  } finally {
    capture.mockRestore();
  }
  filesText = readdirSync(outDir)
    .map((f) => readFileSync(join(outDir, f), 'utf8'))
    .join('\n');
  logText = logged.join('');
}, 600_000);

describe('personal data after a simulation with faults', () => {
  it('ran what it searches: items, output files, log lines, and an application scored', () => {
    expect(scoredApplications).toBeGreaterThan(0);
    expect(tableText.length).toBeGreaterThan(10_000);
    expect(filesText).toContain('"status":"sent"');
    expect(logText).toContain('"level"');
  });

  it.each([
    ['the table', () => tableText],
    ['the files written', () => filesText],
    ['the log lines', () => logText],
  ])('is nowhere in %s', (_, text) => {
    const found = secrets.filter((s) => text().includes(s));
    expect(found).toEqual([]);
  });
});
