import { describe, expect, it } from 'vitest';
import { ageLoans } from '#shared/escalation/age-loans.ts';
import { takeRung } from '#shared/escalation/take-rung.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import { at, bookLoan, type Harness, harness, startedEpisode } from './harness.ts';

/**
 * A step or run that fails part-way is retried, and nothing it should have done is lost: the rung (or
 * transition) is recorded only after its events, the task hand-over and its contact line went out, so
 * the retry finds it not yet taken and does them again (the ledger and task records keep each once).
 */
function failOnce<T extends object, K extends keyof T>(target: T, method: K): void {
  const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
  let failed = false;
  (target as Record<K, unknown>)[method] = async (...args: unknown[]) => {
    if (!failed) {
      failed = true;
      throw new Error(`${String(method)} unavailable`);
    }
    return original(...args);
  };
}

async function onRung(now: Date, rung: string | null, over = {}): Promise<Harness> {
  const h = harness(now);
  await bookLoan(h, 'L1', { escalation: startedEpisode({ rung }), ...over });
  return h;
}

const types = (events: DomainEvent[]) => events.map((e) => e.type);

describe('takeRung: a retried step after a failure past the loan write', () => {
  it('still publishes EscalationStarted when the first publish failed', async () => {
    const h = await onRung(at('2027-06-14'), null);
    failOnce(h.events, 'publish');
    const input = { loanId: 'L1', episode: 1, rung: 'D+4', scheduledAt: at('2027-06-14').toISOString() };
    await expect(takeRung(h.deps, input)).rejects.toThrow('publish unavailable');
    await takeRung(h.deps, input); // Step Functions' retry
    expect(types(h.events.events)).toEqual(['EscalationStarted']);
  });

  it('still publishes EscalationStepTaken when queueing the rung messages failed', async () => {
    const h = await onRung(at('2027-06-17'), 'D+4');
    failOnce(h.contactQueue, 'enqueue');
    const input = { loanId: 'L1', episode: 1, rung: 'D+7', scheduledAt: at('2027-06-17').toISOString() };
    await expect(takeRung(h.deps, input)).rejects.toThrow('enqueue unavailable');
    await takeRung(h.deps, input);
    expect(types(h.events.events)).toEqual(['EscalationStepTaken']);
  });

  it('still hands the agent task over (and logs it) when the first hand-over failed', async () => {
    const h = await onRung(at('2027-06-25'), 'D+7');
    failOnce(h.taskQueue, 'enqueue');
    const input = { loanId: 'L1', episode: 1, rung: 'D+15', scheduledAt: at('2027-06-25').toISOString() };
    await expect(takeRung(h.deps, input)).rejects.toThrow('enqueue unavailable');
    await takeRung(h.deps, input);
    expect(h.taskQueue.tasks.map((t) => t.taskId)).toEqual(['L1-e1-D+15-task']);
    expect(h.log.lines).toHaveLength(1);
  });

  it('still publishes LoanNonPerforming at D+90 when the first publish failed', async () => {
    const h = await onRung(at('2027-09-08'), 'D+60');
    failOnce(h.events, 'publish');
    const input = { loanId: 'L1', episode: 1, rung: 'D+90', scheduledAt: at('2027-09-08').toISOString() };
    await expect(takeRung(h.deps, input)).rejects.toThrow('publish unavailable');
    await takeRung(h.deps, input);
    expect(types(h.events.events)).toEqual(['EscalationStepTaken', 'LoanNonPerforming']);
  });
});

describe('ageLoans: a retried run after a failed publish', () => {
  it('still publishes LoanNonPerforming', async () => {
    const h = harness(at('2027-09-08', '06:00'));
    await bookLoan(h, 'L1', { escalation: startedEpisode({ rung: 'D+60' }) });
    failOnce(h.events, 'publish');
    await expect(ageLoans(h.deps, '2027-09-08')).rejects.toThrow('publish unavailable');
    await ageLoans(h.deps, '2027-09-08'); // the schedule's retry
    expect(types(h.events.events)).toEqual(['LoanNonPerforming']);
  });
});
