import { describe, expect, it } from 'vitest';
import { promiseRefusalIssue } from '#shared/collection/promises.ts';

describe('promiseRefusalIssue', () => {
  it.each([
    [{ kind: 'promise_date_past', earliest: '2027-07-01' }, 'date', 'from today (2027-07-01) on'],
    [{ kind: 'promise_date_too_far', latest: '2027-07-15' }, 'date', 'at most 2027-07-15'],
    [{ kind: 'promise_amount_too_small', minimum: 4_200 }, 'amount', 'at least 4200 fen'],
    [{ kind: 'promise_open', date: '2027-07-05' }, 'date', 'a promise dated 2027-07-05 is open'],
    [{ kind: 'nothing_past_due' }, 'amount', 'nothing on this loan is past due'],
    [{ kind: 'loan_not_active', status: 'paid_off' }, 'amount', 'the loan is paid_off'],
  ] as const)('names the field and the rule of %o', (refusal, path, message) => {
    const issue = promiseRefusalIssue(refusal as Parameters<typeof promiseRefusalIssue>[0]);
    expect(issue.code).toBe(refusal.kind);
    expect(issue.path).toBe(path);
    expect(issue.message).toContain(message);
  });
});
