import { describe, expect, it } from 'vitest';
import { decideErasure } from '#shared/lending/erasure.ts';

describe('decideErasure', () => {
  it('erases a person whose loans are all repaid, or who never borrowed', () => {
    expect(decideErasure({}, [{ loanId: 'L1', status: 'paid_off' }])).toEqual({ kind: 'erase' });
    expect(decideErasure({}, [])).toEqual({ kind: 'erase' });
  });

  it('refuses while a loan is active or charged off (still owed), naming those loans', () => {
    expect(
      decideErasure({}, [
        { loanId: 'L1', status: 'paid_off' },
        { loanId: 'L2', status: 'active' },
        { loanId: 'L3', status: 'charged_off' },
      ]),
    ).toEqual({ kind: 'refuse', openLoans: ['L2', 'L3'] });
  });

  it('erases once: a second request finds it done', () => {
    expect(
      decideErasure({ erasedAt: '2027-08-01T00:00:00.000Z' }, [{ loanId: 'L1', status: 'paid_off' }]),
    ).toEqual({
      kind: 'already_erased',
      erasedAt: '2027-08-01T00:00:00.000Z',
    });
  });
});
