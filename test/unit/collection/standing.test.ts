import { describe, expect, it } from 'vitest';
import { changeStanding, type StandingLoan } from '#shared/collection/standing.ts';
import { episode, rules } from './ladder-fixtures.ts';

const TODAY = '2027-09-08';
const AT = '2027-09-07T22:00:00.000Z';
const active = (over: Partial<StandingLoan> = {}): StandingLoan & { loanId: string } => ({
  loanId: 'L1',
  status: 'active',
  escalation: episode({ rung: 'D+60' }),
  ...over,
});

describe('changeStanding: non-performing', () => {
  it('changes nothing below 90 DPD', () => {
    const loan = active();
    expect(changeStanding(loan, 89, TODAY, AT, rules)).toEqual({ loan, made: [] });
  });

  it('marks the loan non-performing at 90 DPD, from today, and keeps it active with its episode open', () => {
    const { loan, made } = changeStanding(active(), 90, TODAY, AT, rules);
    expect(made).toEqual(['non_performing']);
    expect(loan).toMatchObject({ status: 'active', nonPerformingSince: TODAY, loanId: 'L1' });
    expect(loan.escalation?.endedAt).toBeUndefined();
  });

  it('makes the transition once: a loan already non-performing keeps its first date', () => {
    const first = changeStanding(active(), 90, TODAY, AT, rules).loan;
    const again = changeStanding(first, 100, '2027-09-18', AT, rules);
    expect(again.made).toEqual([]);
    expect(again.loan.nonPerformingSince).toBe(TODAY);
  });

  it('is forced by a rung whatever the DPD', () => {
    const { loan, made } = changeStanding(active(), 80, TODAY, AT, rules, 'non_performing');
    expect(made).toEqual(['non_performing']);
    expect(loan.status).toBe('active');
  });

  it('follows the rules nonPerformingDpd', () => {
    const custom = { ...rules, delinquency: { ...rules.delinquency, nonPerformingDpd: 60 } };
    expect(changeStanding(active(), 60, TODAY, AT, custom).made).toEqual(['non_performing']);
  });
});

describe('changeStanding: charge-off', () => {
  it('charges off at 120 DPD, non-performing at the same time if it was not, and ends the open episode', () => {
    const { loan, made } = changeStanding(active(), 120, TODAY, AT, rules);
    expect(made).toEqual(['non_performing', 'charged_off']);
    expect(loan).toMatchObject({
      status: 'charged_off',
      nonPerformingSince: TODAY,
      escalation: { episode: 1, rung: 'D+60', endedAt: AT, endReason: 'charged_off' },
    });
  });

  it('makes only the charge-off for a loan already non-performing', () => {
    const { loan, made } = changeStanding(
      active({ nonPerformingSince: '2027-08-09' }),
      120,
      TODAY,
      AT,
      rules,
    );
    expect(made).toEqual(['charged_off']);
    expect(loan.nonPerformingSince).toBe('2027-08-09');
  });

  it('charges off once: a charged-off loan is returned as it is', () => {
    const first = changeStanding(active(), 120, TODAY, AT, rules).loan;
    const again = changeStanding(first, 130, '2027-09-18', '2027-09-18T00:00:00.000Z', rules);
    expect(again).toEqual({ loan: first, made: [] });
  });

  it('is forced by a rung whatever the DPD', () => {
    const { loan, made } = changeStanding(
      active({ nonPerformingSince: TODAY }),
      100,
      TODAY,
      AT,
      rules,
      'charged_off',
    );
    expect(made).toEqual(['charged_off']);
    expect(loan.status).toBe('charged_off');
  });

  it('leaves an episode that ended before as it was', () => {
    const ended = episode({ endedAt: '2027-08-01T00:00:00.000Z', endReason: 'cured' });
    const { loan } = changeStanding(active({ escalation: ended }), 120, TODAY, AT, rules);
    expect(loan.escalation).toEqual(ended);
  });

  it('charges off a loan with no episode without inventing one', () => {
    const { loan, made } = changeStanding(active({ escalation: undefined }), 120, TODAY, AT, rules);
    expect(made).toContain('charged_off');
    expect(loan.escalation).toBeUndefined();
  });

  it('does not change the loan it was given', () => {
    const loan = active();
    const copy = structuredClone(loan);
    changeStanding(loan, 120, TODAY, AT, rules);
    expect(loan).toEqual(copy);
  });
});

describe('changeStanding: closed loans', () => {
  it('does nothing for a paid-off loan, even forced', () => {
    const loan = active({ status: 'paid_off' });
    expect(changeStanding(loan, 150, TODAY, AT, rules, 'charged_off')).toEqual({ loan, made: [] });
  });

  it('does nothing for a charged-off loan', () => {
    const loan = active({ status: 'charged_off' });
    expect(changeStanding(loan, 150, TODAY, AT, rules, 'non_performing')).toEqual({ loan, made: [] });
  });
});
