import { afterEach, describe, expect, it } from 'vitest';
import { fileDynamoDb } from '../../support/dynamodb.ts';
import { type EscalationWorld, escalationWorld } from './escalation-world.ts';

const db = fileDynamoDb();

let world: EscalationWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('the daily ageing job', () => {
  it('reads only the loans past due, and its buckets (count and outstanding) are what GET /v1/loans shows', async () => {
    const w = await escalationWorld({ from: '2027-06-01', dynamodbEndpoint: db.endpoint() });
    world = w;
    for (const who of ['ontime', 'grace', 'late', 'never', 'future']) await w.addBorrower(who);
    // Bullets due 2027-06-10 (and one due in August, not yet due on the aged day).
    await w.bookLoan('L-ontime', 'ontime');
    await w.bookLoan('L-grace', 'grace');
    await w.bookLoan('L-late', 'late');
    await w.bookLoan('L-never', 'never');
    await w.bookLoan('L-future', 'future', { disbursedOn: '2027-07-10' });
    await w.advanceTo(w.at('2027-06-10', '12:00'));
    const ontime = await w.view('L-ontime');
    await w.pay('L-ontime', 'pay-ontime', ontime.outstanding.total);
    await w.advanceTo(w.at('2027-06-12', '12:00'));
    const grace = await w.view('L-grace');
    await w.pay('L-grace', 'pay-grace', grace.outstanding.total);
    await w.advanceTo(w.at('2027-07-15', '12:00'));
    const late = await w.view('L-late');
    await w.pay('L-late', 'pay-late-part', Math.floor(late.outstanding.total / 2));

    await w.advanceTo(w.at('2027-07-20', '05:00'));
    const aged = await w.age('2027-07-20');
    const views = await Promise.all(
      ['L-ontime', 'L-grace', 'L-late', 'L-never', 'L-future'].map((id) => w.view(id)),
    );
    const expected: Record<string, { loans: number; outstanding: number }> = {};
    for (const v of views.filter((v) => v.daysPastDue > 0)) {
      const slot = expected[v.bucket] ?? { loans: 0, outstanding: 0 };
      expected[v.bucket] = { loans: slot.loans + 1, outstanding: slot.outstanding + v.outstanding.total };
    }
    expect(aged.loansRead).toBe(2); // the repaid and the not-yet-due loans are not read
    expect(aged.byBucket).toEqual(expected);
    expect(Object.keys(expected).sort()).toEqual(['M2']);
  }, 600_000);
});
