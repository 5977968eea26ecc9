import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { recordStepFailure } from '#shared/escalation/record-step-failure.ts';
import { at, bookLoan, harness, startedEpisode, storedLoan, updateLoan } from './harness.ts';

function stubMetrics() {
  const addMetric = vi.fn();
  return { addMetric, metrics: { addMetric } as unknown as Metrics };
}

async function setup() {
  const h = harness(at('2027-06-17', '09:05'));
  await bookLoan(h, 'L1', { escalation: startedEpisode({ rung: 'D+4' }) });
  const m = stubMetrics();
  return { h, ...m, deps: { ...h.deps, metrics: m.metrics } };
}

describe('recordStepFailure', () => {
  it('keeps the failure on the open episode, which stays open at its rung', async () => {
    const { h, deps } = await setup();
    await recordStepFailure(deps, {
      loanId: 'L1',
      episode: 1,
      rung: 'D+7',
      error: { Error: 'Lambda.Unknown' },
    });
    const loan = await storedLoan(h, 'L1');
    expect(loan.escalation).toMatchObject({
      episode: 1,
      rung: 'D+4',
      failure: { rung: 'D+7', at: at('2027-06-17', '09:05').toISOString(), error: 'Lambda.Unknown' },
    });
    expect(loan.escalation?.endedAt).toBeUndefined();
    expect(loan.status).toBe('active');
  });

  it('counts EscalationStepFailed once per failure', async () => {
    const { deps, addMetric } = await setup();
    await recordStepFailure(deps, { loanId: 'L1', episode: 1, rung: 'D+7', error: { Error: 'x' } });
    expect(addMetric).toHaveBeenCalledTimes(1);
    expect(addMetric).toHaveBeenCalledWith('EscalationStepFailed', 'Count', 1);
  });

  it('names an error it was not told as Unknown, and keeps nothing of the cause', async () => {
    const { h, deps } = await setup();
    const error = { Error: undefined, Cause: 'phone 13800000000' } as { Error?: string };
    await recordStepFailure(deps, { loanId: 'L1', episode: 1, rung: 'D+7', error });
    const failure = (await storedLoan(h, 'L1')).escalation?.failure;
    expect(failure?.error).toBe('Unknown');
    expect(JSON.stringify(failure)).not.toContain('13800000000');
    await recordStepFailure(deps, { loanId: 'L1', episode: 1, rung: 'D+15' });
    expect((await storedLoan(h, 'L1')).escalation?.failure).toMatchObject({ rung: 'D+15', error: 'Unknown' });
  });

  it('writes nothing for another episode, or a loan that does not exist, but still counts the failure', async () => {
    const { h, deps, addMetric } = await setup();
    const before = await storedLoan(h, 'L1');
    await recordStepFailure(deps, { loanId: 'L1', episode: 2, rung: 'D+7', error: { Error: 'x' } });
    await recordStepFailure(deps, { loanId: 'nope', episode: 1, rung: 'D+7', error: { Error: 'x' } });
    expect(await storedLoan(h, 'L1')).toEqual(before);
    expect(addMetric).toHaveBeenCalledTimes(2);
  });

  it('works without metrics (local runs)', async () => {
    const { h } = await setup();
    await recordStepFailure(h.deps, { loanId: 'L1', episode: 1, rung: 'D+7', error: { Error: 'x' } });
    expect((await storedLoan(h, 'L1')).escalation?.failure?.error).toBe('x');
  });

  it('reads the loan again after a version conflict and keeps the other writer change', async () => {
    const { h, deps } = await setup();
    const loans = h.stores.loans;
    const getLoan = loans.getLoan.bind(loans);
    let raced = false;
    loans.getLoan = async (loanId) => {
      const loan = await getLoan(loanId);
      if (!raced) {
        raced = true;
        await updateLoan(h, 'L1', { creditBalance: 9 });
      }
      return loan;
    };
    await recordStepFailure(deps, { loanId: 'L1', episode: 1, rung: 'D+7', error: { Error: 'x' } });
    loans.getLoan = getLoan;
    const loan = await storedLoan(h, 'L1');
    expect(loan.creditBalance).toBe(9);
    expect(loan.escalation?.failure?.error).toBe('x');
  });
});
