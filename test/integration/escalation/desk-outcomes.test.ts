import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { hardshipRoutes } from '#functions/hardship/routes.ts';
import { opsRoutes } from '#functions/ops/routes.ts';
import { createLocalGateway } from '#local/api-gateway-server.ts';
import { LocalOpsTokens } from '#local/local-ops-tokens.ts';
import { newBorrowerRecord } from '#shared/origination/new-borrower.ts';
import { deskTaskId } from '#shared/schemas/ops.ts';
import { fileDynamoDb } from '../../support/dynamodb.ts';
import { type EscalationWorld, escalationWorld, PARTNER, PARTNER_KEY } from './escalation-world.ts';

/**
 * What the desk's outcomes do to the ladder, over HTTP: the ops and partner routes served by the local
 * gateway over an escalation world's table (the synthesized ladder under aws-local-stepfunctions, the
 * ageing job and the sweep on their schedule), so a promise, a dispute or a wrong number is recorded as
 * a desk user or a partner would, and the ladder's later steps show what it did.
 */
const db = fileDynamoDb();

// biome-ignore lint/suspicious/noExplicitAny: answers are asserted field by field
type Answer = { status: number; body: any };

let world: EscalationWorld | undefined;
let closeDesk: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeDesk?.();
  await world?.close();
  world = undefined;
  closeDesk = undefined;
});

/** A world and the desk and partner routes over its table, on a free port. */
async function open(from: string) {
  const w = await escalationWorld({ from, dynamodbEndpoint: db.endpoint() });
  world = w;
  const tokens = new LocalOpsTokens(() => w.clock.now());
  const server = createLocalGateway({
    routes: { ...opsRoutes(w.deps), ...hardshipRoutes(w.deps) },
    partners: w.deps.partners,
    maxBodyBytes: w.rules.api.maxBodyBytes,
    opsTokens: tokens,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeDesk = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
  };
  const call = async (
    method: string,
    path: string,
    auth: { token?: string; apiKey?: string },
    body?: unknown,
  ): Promise<Answer> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
        ...(auth.apiKey ? { 'x-api-key': auth.apiKey } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  // Tokens are issued on the simulated clock: a fresh one for each call outlives no simulated day.
  const agent = () => ({ token: tokens.issue('agent-7', ['agent']) });
  const supervisor = () => ({ token: tokens.issue('sup-3', ['supervisor']) });
  /** The loan's D+15 agent task claimed by the agent, and the outcome recorded: both answers. */
  const outcome = async (loanId: string, body: unknown) => {
    const task = w.taskQueue.tasks.find((t) => t.loanId === loanId && t.rung === 'D+15');
    if (!task) throw new Error(`no D+15 task on ${loanId}`);
    const id = deskTaskId(loanId, task.taskId);
    const claimed = await call('POST', `/v1/ops/tasks/${id}/claim`, agent());
    expect(claimed.status).toBe(200);
    return call('POST', `/v1/ops/tasks/${id}/outcome`, agent(), body);
  };
  const audit = async (loanId: string) =>
    (await call('GET', `/v1/ops/loans/${loanId}/audit`, supervisor())).body.records as {
      action: string;
      userId: string;
      inputs: Record<string, unknown>;
      reason?: string;
    }[];
  return { w, call, agent, supervisor, outcome, audit };
}

/** What the loan owes past due now (fen). */
async function pastDue(w: EscalationWorld, loanId: string): Promise<number> {
  const view = await w.view(loanId);
  return view.installments
    .filter((i) => i.status === 'overdue')
    .reduce((sum, i) => sum + i.outstanding.total, 0);
}

/** The escalation's events of a loan as `<local date> <type> <rung>`. */
const ladderEvents = (w: EscalationWorld, loanId: string) =>
  w.events
    .filter(
      (e) => e.detail.loanId === loanId && ['EscalationStarted', 'EscalationStepTaken'].includes(e.type),
    )
    .map((e) => `${w.dateOf(e.at)} ${e.type} ${e.detail.rung}`);

const rungIds = new Set(['D+4', 'D+7', 'D+15', 'D+30', 'D+60', 'D+90', 'D+120']);
/** The ladder's contact lines of a loan as `<local date> <stage> <channel> <status>`, sorted. */
const rungLines = (w: EscalationWorld, loanId: string) =>
  w.contacts
    .filter((l) => l.loanId === loanId && rungIds.has(l.stage))
    .map((l) => `${l.at.slice(0, 10)} ${l.stage} ${l.channel} ${l.status}`)
    .sort();

const promiseEvents = (w: EscalationWorld, loanId: string) =>
  w.events
    .filter((e) => e.detail.loanId === loanId && e.type.startsWith('PromiseToPay'))
    .map((e) => `${w.dateOf(e.at)} ${e.type} ${e.detail.source}`);

/** The days a rung's task state ran on, for every loan of the world. */
const stepDays = (w: EscalationWorld, rung: string) =>
  w.stepCalls.filter((c) => c.rung === rung).map((c) => c.on);

const PERSONAL = ['丁', '+8613700000004', '13700000004', '@example.com', 'ID-'];
const noPersonalData = (records: unknown) => {
  const text = JSON.stringify(records);
  for (const p of PERSONAL) expect(text).not.toContain(p);
};

describe('promises to pay on the ladder', () => {
  it('pauses the ladder for a partner’s promise; broken, it resumes at the rung the DPD calls for, without the late messages', async () => {
    const { w, call } = await open('2027-06-10');
    await w.addBorrower('broken');
    await w.bookLoan('L-broken', 'broken'); // due 2027-06-10
    await w.advanceTo(w.at('2027-06-15', '10:00'));
    const amount = await pastDue(w, 'L-broken');
    const made = await call(
      'POST',
      '/v1/loans/L-broken/promises',
      { apiKey: PARTNER_KEY },
      {
        date: '2027-06-29',
        amount,
      },
    );
    expect(made).toMatchObject({
      status: 201,
      body: { status: 'open', pausesLadder: true, date: '2027-06-29' },
    });

    // D+7 (06-17) and D+15 (06-25) fall in the pause: the steps wake and wait for its end.
    await w.advanceTo(w.at('2027-06-29', '23:00'));
    expect(ladderEvents(w, 'L-broken')).toEqual(['2027-06-14 EscalationStarted D+4']);
    expect(rungLines(w, 'L-broken')).toEqual([]);
    expect(stepDays(w, 'D+7')).toEqual(['2027-06-17']);
    expect((await w.loan('L-broken')).escalation?.pausedUntil).toBe(
      w.at('2027-06-30', '09:00').toISOString(),
    );

    // Judged broken at 06:00 the day after; at 09:00 the ladder goes on at D+15, the rung DPD 20 calls
    // for, and D+7's messages (a rung that only sends messages, now late) are not sent.
    await w.advanceTo(w.at('2027-07-01', '00:00'));
    expect(promiseEvents(w, 'L-broken')).toEqual([
      '2027-06-15 PromiseToPayRecorded partner',
      '2027-06-30 PromiseToPayBroken partner',
    ]);
    expect(w.events.find((e) => e.type === 'PromiseToPayBroken')?.detail).toMatchObject({
      amount,
      paid: 0,
      date: '2027-06-29',
      brokenInEpisode: 1,
    });
    expect(rungLines(w, 'L-broken')).toEqual(['2027-06-30 D+15 agent sent']);
    expect(ladderEvents(w, 'L-broken')).toContain('2027-06-30 EscalationStepTaken D+15');
    const loan = await w.loan('L-broken');
    expect(loan.promise).toBeUndefined();
    expect(loan.escalation).toMatchObject({ rung: 'D+15', pausedUntil: null, brokenPromises: 1 });
    // Judged once: a rerun of the day's ageing judges nothing again.
    await w.age('2027-06-30');
    expect(promiseEvents(w, 'L-broken')).toHaveLength(2);
  }, 600_000);

  it('ends the pause on a kept desk promise: the ladder goes on at its day, or the cure ends the episode', async () => {
    const { w, outcome, audit } = await open('2027-06-10');
    for (const id of ['part', 'full']) {
      await w.addBorrower(id);
      await w.bookLoan(`L-${id}`, id);
    }
    await w.advanceTo(w.at('2027-06-27', '10:00'));
    const amounts: Record<string, number> = {};
    for (const id of ['part', 'full']) {
      amounts[id] = await pastDue(w, `L-${id}`);
      const recorded = await outcome(`L-${id}`, {
        outcome: 'promise_to_pay',
        date: '2027-07-11',
        amount: amounts[id],
      });
      expect(recorded).toMatchObject({ status: 201, body: { promise: { status: 'open' } } });
    }
    expect((await w.loan('L-part')).promise).toMatchObject({ date: '2027-07-11', source: 'desk' });

    // D+30 (07-10) falls in the pause. On the promise's last evening, L-part pays what was promised (the
    // penalty accrued since is still owed: not cured), L-full pays everything it owes.
    await w.advanceTo(w.at('2027-07-11', '20:00'));
    expect(stepDays(w, 'D+30'), 'each loan’s D+30 woke once, and waits').toEqual([
      '2027-07-10',
      '2027-07-10',
    ]);
    expect(rungLines(w, 'L-part').filter((l) => l.includes('D+30'))).toEqual([]);
    expect((await w.pay('L-part', 'pay-part', amounts.part as number)).cured).toBe(false);
    expect((await w.pay('L-full', 'pay-full', await pastDue(w, 'L-full'))).cured).toBe(true);

    await w.advanceTo(w.at('2027-07-13', '00:00'));
    for (const id of ['part', 'full'])
      expect(promiseEvents(w, `L-${id}`)).toEqual([
        '2027-06-27 PromiseToPayRecorded desk',
        '2027-07-12 PromiseToPayKept desk',
      ]);
    // Kept, not cured: D+30 acts at the pause's end, the day after the promise.
    expect(ladderEvents(w, 'L-part')).toContain('2027-07-12 EscalationStepTaken D+30');
    expect(rungLines(w, 'L-part').filter((l) => l.includes('D+30') && l.includes('sms'))).toEqual([
      '2027-07-12 D+30 sms sent',
    ]);
    const part = await w.loan('L-part');
    expect(part.promise).toBeUndefined();
    expect(part.escalation).toMatchObject({ rung: 'D+30', pausedUntil: null });
    expect(part.escalation?.brokenPromises).toBeUndefined();
    // Paid in full (the one installment: paid off): the episode ended with the payment, as any cure ends
    // it; D+30 woke at the pause's end and ended the execution.
    expect(ladderEvents(w, 'L-full').some((l) => l.includes('D+30'))).toBe(false);
    expect((await w.loan('L-full')).escalation).toMatchObject({ endReason: 'paid_off' });

    const records = await audit('L-part');
    expect(records.map((r) => r.action)).toEqual(['task.claim', 'task.outcome']);
    expect(records[1]?.inputs).toMatchObject({ outcome: 'promise_to_pay', date: '2027-07-11' });
    noPersonalData(records);
  }, 600_000);
});

describe('disputes and wrong numbers on the ladder', () => {
  it('holds the ladder on a dispute until a supervisor resolves it (an agent may not: 403)', async () => {
    const { w, call, agent, supervisor, outcome, audit } = await open('2027-06-10');
    await w.addBorrower('disputing');
    await w.bookLoan('L-dispute', 'disputing');
    await w.advanceTo(w.at('2027-06-25', '12:00'));
    const raised = await outcome('L-dispute', { outcome: 'dispute', note: 'says it was paid in cash' });
    expect(raised.status).toBe(201);
    expect((await w.loan('L-dispute')).dispute).toMatchObject({ taskId: 'L-dispute-e1-D+15-task' });
    const path = '/v1/ops/loans/L-dispute/dispute-resolution';
    const resolution = { resolution: 'rejected', reason: 'no cash payment on record' };
    expect(await call('POST', path, agent(), resolution)).toMatchObject({
      status: 403,
      body: { error: 'forbidden' },
    });

    // D+30 (07-10) looks each day and waits.
    await w.advanceTo(w.at('2027-07-12', '12:00'));
    expect(stepDays(w, 'D+30')).toEqual(['2027-07-10', '2027-07-11', '2027-07-12']);
    expect(ladderEvents(w, 'L-dispute').some((l) => l.includes('D+30'))).toBe(false);
    expect(rungLines(w, 'L-dispute').filter((l) => l.includes('D+30'))).toEqual([]);

    expect(await call('POST', path, supervisor(), resolution)).toMatchObject({
      status: 200,
      body: { loanId: 'L-dispute', partnerId: PARTNER, resolution: 'rejected', resolvedBy: 'sup-3' },
    });
    expect(await call('POST', path, supervisor(), resolution)).toMatchObject({
      status: 409,
      body: { error: 'no_open_dispute' },
    });
    await w.advanceTo(w.at('2027-07-14', '00:00'));
    expect(ladderEvents(w, 'L-dispute')).toContain('2027-07-13 EscalationStepTaken D+30');
    expect(rungLines(w, 'L-dispute')).toContain('2027-07-13 D+30 sms sent');

    const records = await audit('L-dispute');
    expect(records.map((r) => r.action)).toEqual(['task.claim', 'task.outcome', 'dispute.resolve']);
    expect(records[2]).toMatchObject({
      userId: 'sup-3',
      inputs: { resolution: 'rejected', disputeTaskId: 'L-dispute-e1-D+15-task' },
      reason: 'no cash payment on record',
    });
    noPersonalData(records);
    expect(JSON.stringify(records)).not.toContain('paid in cash');
  }, 600_000);

  it('sends no SMS to a number found wrong, rung or reminder, until the borrower gives a new one', async () => {
    const { w, outcome, audit } = await open('2027-06-10');
    const borrower = await w.addBorrower('wrong');
    // Due 06-10, 07-10 and 08-10: the later installments' reminders go out while the first is escalated.
    await w.bookLoan('L-wrong', 'wrong', {
      principal: 300_000,
      termMonths: 3,
      repaymentMethod: 'equal_installment',
    });
    await w.advanceTo(w.at('2027-06-25', '12:00'));
    const marked = w.clock.now().toISOString();
    expect((await outcome('L-wrong', { outcome: 'wrong_number' })).status).toBe(201);
    expect((await w.deps.repos.borrowers.get(PARTNER, 'wrong'))?.wrongNumber).toEqual({
      since: marked,
      phoneHash: borrower.phoneHash,
    });

    await w.advanceTo(w.at('2027-07-12', '00:00'));
    const smsBetween = (from: string, to: string) =>
      w.contacts.filter((l) => l.loanId === 'L-wrong' && l.at >= from && l.at < to && l.channel === 'sms');
    // The rung's messages leave SMS out; the reminders on SMS are recorded as suppressed for the number.
    expect(rungLines(w, 'L-wrong').filter((l) => l.includes('D+30'))).toEqual([
      '2027-07-10 D+30 email sent',
      '2027-07-10 D+30 legal sent',
    ]);
    const sms = smsBetween('2027-06-25T12', '2027-07-12');
    expect(sms.length).toBeGreaterThan(0);
    expect(new Set(sms.map((l) => `${l.status} ${l.reason}`))).toEqual(new Set(['suppressed wrong_number']));
    expect(w.events.some((e) => e.type === 'ContactSuppressed' && e.detail.reason === 'wrong_number')).toBe(
      true,
    );

    // A new number: SMS go to it again (the next installment's reminders).
    const renewed = await newBorrowerRecord(
      w.deps.keys,
      { partnerId: PARTNER, borrowerId: 'wrong', idNumber: 'ID-wrong', name: '丁', phone: '+8613911112222' },
      borrower.preferences,
      w.clock.now().toISOString(),
    );
    await w.deps.repos.borrowers.upsert(renewed);
    await w.advanceTo(w.at('2027-08-11', '00:00'));
    const later = smsBetween('2027-07-12', '2027-08-11');
    expect(later.some((l) => l.status === 'sent' && l.stage === 'D-3')).toBe(true);
    expect(later.filter((l) => l.reason === 'wrong_number')).toEqual([]);

    noPersonalData(await audit('L-wrong'));
  }, 600_000);
});
