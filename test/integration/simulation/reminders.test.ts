import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '#local/simulation/faults.ts';
import { runSimulation, type SimulationResult } from '#local/simulation/run-simulation.ts';
import type { ContactLine } from '#shared/schemas/contact-job.ts';
import { reminderPortfolio } from '../../fixtures/reminder-portfolio.ts';
import { fileDynamoDb } from '../../support/dynamodb.ts';

/** Simulations read the table's stream after every step: a DynamoDB Local of this file's own. */
const db = fileDynamoDb();

const simulate = (faults: string, seed: number, outDir?: string) =>
  runSimulation({
    portfolio: reminderPortfolio,
    from: '2027-06-01',
    days: 20,
    faults: parseFaults(faults),
    seed,
    outDir,
    dynamodbEndpoint: db.endpoint(),
  });

let clean: SimulationResult;
beforeAll(async () => {
  clean = await simulate('', 1);
}, 600_000);

const stagesOf = (lines: ContactLine[], loanId: string, status = 'sent') =>
  lines.filter((l) => l.loanId === loanId && l.status === status).map((l) => `${l.stage}/${l.channel}`);
const sentKeys = (r: SimulationResult) =>
  r.contacts
    .filter((l) => l.status === 'sent')
    .map((l) => `${l.loanId}#${l.installmentNo}#${l.stage}#${l.channel}`);

describe('reminder stages in a simulation', () => {
  it('reminds an on-time payer before and on the due date, and never after paying', () => {
    expect(stagesOf(clean.contacts, 'L-ontime')).toEqual(['D-3/sms', 'D-1/sms', 'D0/email', 'D0/sms']);
  });

  it('sends nothing for an installment paid before the first reminder', () => {
    expect(clean.contacts.filter((l) => l.loanId === 'L-early')).toEqual([]);
  });

  it('reminds a borrower paying late in grace through D+1 and stops once paid', () => {
    expect(stagesOf(clean.contacts, 'L-grace')).toEqual(['D-3/sms', 'D-1/sms', 'D0/sms', 'D+1/sms']);
  });

  it('reaches D+3 with SMS and email for a borrower who does not pay, then the ladder’s D+7 notice, and marks them overdue everywhere', () => {
    expect(stagesOf(clean.contacts, 'L-never')).toEqual([
      'D-3/sms',
      'D-1/sms',
      'D0/email',
      'D0/sms',
      'D+1/sms',
      'D+3/email',
      'D+3/sms',
      'D+7/sms',
      'D+7/email',
    ]);
    expect(clean.events.some((e) => e.type === 'InstallmentOverdue' && e.detail.loanId === 'L-never')).toBe(
      true,
    );
  });

  it('suppresses every SMS to a borrower who opted out and still sends their email', () => {
    expect(stagesOf(clean.contacts, 'L-optout')).toEqual(['D0/email']);
    const suppressed = clean.contacts.filter((l) => l.loanId === 'L-optout' && l.status === 'suppressed');
    expect(suppressed.map((l) => `${l.stage}/${l.channel}/${l.reason}`)).toEqual([
      'D-3/sms/opted_out',
      'D-1/sms/opted_out',
      'D0/sms/opted_out',
      'D+1/sms/opted_out',
    ]);
    expect(
      clean.events.filter((e) => e.type === 'ContactSuppressed' && e.detail.loanId === 'L-optout'),
    ).toHaveLength(4);
  });

  it('consolidates two loans of one borrower into one message per channel: one line per loan, the same instant', () => {
    const a = clean.contacts.filter((l) => l.loanId === 'L-multi-a' && l.status === 'sent');
    const b = clean.contacts.filter((l) => l.loanId === 'L-multi-b' && l.status === 'sent');
    expect(a.map((l) => l.stage)).toEqual(['D-3', 'D-1', 'D0', 'D+1']);
    expect(a.map((l) => l.at)).toEqual(b.map((l) => l.at));
  });

  it('defers a New York borrower reached after 21:00 local to 08:00 the next morning', () => {
    const lines = clean.contacts.filter((l) => l.loanId === 'L-newyork');
    const d3 = lines.filter((l) => l.stage === 'D-3');
    expect(d3.map((l) => [l.status, l.at])).toEqual([
      ['deferred', '2027-06-06T21:00:00-04:00'],
      ['sent', '2027-06-07T08:00:00-04:00'],
    ]);
  });

  it('sends nothing outside 08:00–21:00 in the borrower zone', () => {
    for (const l of clean.contacts.filter((x) => x.status === 'sent')) {
      const hour = Number(l.at.slice(11, 13));
      expect(hour).toBeGreaterThanOrEqual(8);
      expect(hour).toBeLessThan(21);
    }
  });
});

describe('exactly once under faults', () => {
  it('sends the same contacts with SNS failures, crashes and duplicated sweeps: no duplicate, none missing', async () => {
    const faulty = await simulate('sns=0.3,crash=0.2,dup=0.5', 7);
    expect(faulty.summary.faults.snsFailures).toBeGreaterThan(0);
    expect(faulty.summary.faults.crashes).toBeGreaterThan(0);
    expect(faulty.summary.faults.duplicateSweeps).toBeGreaterThan(0);
    const keys = sentKeys(faulty);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual([...sentKeys(clean)].sort());
    expect(faulty.summary.carrierDuplicates).toBeLessThanOrEqual(faulty.summary.faults.crashes);
    expect(faulty.summary.carrierDuplicates).toBeGreaterThan(0);
  }, 600_000);

  it('writes byte-identical files for two runs with one seed', async () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'sim-a-')), mkdtempSync(join(tmpdir(), 'sim-b-'))];
    await simulate('sns=0.2,crash=0.1,dup=0.2', 42, a);
    await simulate('sns=0.2,crash=0.1,dup=0.2', 42, b);
    for (const file of ['contacts.jsonl', 'events.jsonl', 'summary.json']) {
      expect(readFileSync(join(b, file), 'utf8')).toBe(readFileSync(join(a, file), 'utf8'));
    }
    expect(readFileSync(join(a, 'contacts.jsonl'), 'utf8').length).toBeGreaterThan(0);
  }, 600_000);
});
