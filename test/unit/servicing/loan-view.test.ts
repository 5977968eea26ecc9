import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import type { InstallmentRecord, LoanRecord } from '#shared/ports/records.ts';
import { loanView } from '#shared/servicing/loan-view.ts';
import { addBorrower, addLoan, harness, nineAm } from '../use-cases/harness.ts';

const rules = defaultRules;

/**
 * ¥3,000 at 18 % over 3 months from 2027-05-10, booked through the use case on the in-memory stores:
 * installments of 103,015 (98,515 principal + 4,500 interest), 103,015 and 103,014, due 06-10, 07-10, 08-10.
 */
async function booked(): Promise<{ loan: LoanRecord; installments: InstallmentRecord[] }> {
  const h = harness(nineAm('2027-05-10'));
  const u1 = await addBorrower(h, { borrowerId: 'u1' });
  await addLoan(h, 'L1', u1, { termMonths: 3, repaymentMethod: 'equal_installment', principal: 300_000 });
  const read = await h.repos.loans.getLoanWithInstallments('L1');
  if (!read) throw new Error('L1 missing');
  return read;
}

const paidIn = (inst: InstallmentRecord, principal: number, interest: number, paidOn?: string) => ({
  ...inst,
  principalPaid: principal,
  interestPaid: interest,
  ...(paidOn ? { paidOn } : {}),
});

describe('loanView', () => {
  it('shows a new loan: the schedule by component, all upcoming, current, nothing outstanding but the schedule', async () => {
    const { loan, installments } = await booked();
    const view = loanView(loan, installments, '2027-05-20', rules);
    expect(view).toMatchObject({
      loanId: 'L1',
      borrowerId: 'u1',
      applicationId: null,
      status: 'active',
      principal: 300_000,
      aprBps: 1800,
      termMonths: 3,
      repaymentMethod: 'equal_installment',
      disbursedOn: '2027-05-10',
      asOf: '2027-05-20',
      daysPastDue: 0,
      bucket: 'current',
      delinquency: 'current',
      classification: null,
      escalation: null,
      hardshipPlan: null,
      creditBalance: 0,
      outstanding: { principal: 300_000, interest: 9_044, fee: 0, penalty: 0, total: 309_044 },
    });
    expect(view.installments.map((i) => [i.installmentNo, i.dueDate, i.status, i.daysPastDue])).toEqual([
      [1, '2027-06-10', 'upcoming', 0],
      [2, '2027-07-10', 'upcoming', 0],
      [3, '2027-08-10', 'upcoming', 0],
    ]);
    expect(view.installments[0]).toMatchObject({
      due: { principal: 98_515, interest: 4_500, fee: 0, penalty: 0, total: 103_015 },
      paid: { principal: 0, interest: 0, fee: 0, penalty: 0, total: 0 },
      outstanding: { principal: 98_515, interest: 4_500, fee: 0, penalty: 0, total: 103_015 },
      paidOn: null,
    });
  });

  it('names each installment paid, partly paid, due today or overdue', async () => {
    const { loan, installments } = await booked();
    const [first, second, third] = installments as [InstallmentRecord, InstallmentRecord, InstallmentRecord];
    const view = loanView(
      loan,
      [paidIn(first, 98_515, 4_500, '2027-06-09'), paidIn(second, 0, 1_000), third],
      '2027-06-10',
      rules,
    );
    expect(view.installments.map((i) => i.status)).toEqual(['paid', 'partially_paid', 'upcoming']);
    expect(view.installments[0]?.paidOn).toBe('2027-06-09');
    expect(view.installments[1]).toMatchObject({
      paid: { interest: 1_000, total: 1_000 },
      outstanding: { principal: 99_993, interest: 2_022, total: 102_015 },
    });
    expect(view.outstanding.total).toBe(102_015 + 103_014);
    expect(loanView(loan, installments, '2027-06-10', rules).installments[0]?.status).toBe('due');
  });

  it('counts days past due and accrues the penalty after grace, as of the day asked', async () => {
    const { loan, installments } = await booked();
    // 10 days late: penalty on 98,515 at 6 % for days 4–10, 7 days = 113.35 → 113.
    const view = loanView(loan, installments, '2027-06-20', rules);
    expect(view).toMatchObject({
      daysPastDue: 10,
      bucket: 'M1',
      delinquency: 'delinquent',
      classification: 'full',
    });
    expect(view.installments[0]).toMatchObject({ status: 'overdue', daysPastDue: 10 });
    expect(view.installments[0]?.due.penalty).toBe(113);
    expect(view.installments[1]).toMatchObject({ status: 'upcoming', daysPastDue: 0 });
    expect(view.outstanding.penalty).toBe(113);
    expect(view.outstanding.total).toBe(309_044 + 113);
    // Two installments late: consecutive, from the oldest.
    expect(loanView(loan, installments, '2027-07-15', rules)).toMatchObject({
      daysPastDue: 35,
      bucket: 'M2',
      classification: 'consecutive',
    });
  });

  it('keeps a transition the ageing job or the ladder made, whatever the DPD says today', async () => {
    const { loan, installments } = await booked();
    const np = { ...loan, nonPerformingSince: '2027-06-01' };
    expect(loanView(np, installments, '2027-06-20', rules).delinquency).toBe('non_performing');
    // Nothing past due any more: current again.
    expect(loanView(np, installments, '2027-05-20', rules).delinquency).toBe('current');
    expect(loanView({ ...np, status: 'paid_off' }, installments, '2027-06-20', rules).delinquency).toBe(
      'delinquent',
    );
    expect(loanView({ ...loan, status: 'charged_off' }, installments, '2027-05-20', rules).delinquency).toBe(
      'charged_off',
    );
    expect(loanView(np, installments, '2027-10-10', rules).delinquency).toBe('charged_off');
  });

  it('shows a restructuring’s terms and its observation period, and none for a loan never restructured', async () => {
    const { loan, installments } = await booked();
    expect(loanView(loan, installments, '2027-05-20', rules).restructured).toBeNull();
    const restructuring = {
      on: '2027-05-15',
      at: '2027-05-15T02:00:00Z',
      termMonths: 3,
      aprBps: 1200,
      previousAprBps: 1800,
      previousTermMonths: 3,
      principal: 300_000,
      carriedInterest: 0,
      carriedFee: 0,
      carriedPenalty: 150,
      firstInstallmentNo: 1,
      firstDueDate: '2027-06-10',
    };
    expect(loanView({ ...loan, restructuring }, installments, '2027-05-20', rules).restructured).toEqual({
      on: '2027-05-15',
      termMonths: 3,
      aprBps: 1200,
      previousAprBps: 1800,
      firstDueDate: '2027-06-10',
      carriedPenalty: 150,
      observation: expect.objectContaining({ since: '2027-06-10', repaymentsInARow: 0, status: 'observing' }),
    });
  });

  it('shows the escalation episode, and the hardship plan in force or else the last one', async () => {
    const { loan, installments } = await booked();
    const escalation = { episode: 2, rung: 'D+7', since: '2027-06-14T01:00:00Z', pausedUntil: null };
    expect(loanView({ ...loan, escalation }, installments, '2027-06-20', rules).escalation).toEqual({
      ...escalation,
      endedAt: null,
      endReason: null,
    });
    const ended = { ...escalation, endedAt: '2027-06-21T02:00:00Z', endReason: 'cured' as const };
    expect(loanView({ ...loan, escalation: ended }, installments, '2027-06-22', rules).escalation).toEqual(
      ended,
    );
    const plan = (planId: string, startsOn: string, endsOn: string): HardshipPlan => ({
      planId,
      status: 'granted',
      reason: 'illness',
      deferralDays: 10,
      requestedAt: `${startsOn}T02:00:00Z`,
      startsOn,
      endsOn,
      referralReasons: [],
    });
    const plans = [
      plan('h0', '2027-01-01', '2027-01-10'),
      plan('h1', '2027-06-01', '2027-06-10'),
      plan('h2', '2027-03-01', '2027-03-10'),
    ];
    expect(
      loanView({ ...loan, hardshipPlans: plans }, installments, '2027-06-05', rules).hardshipPlan?.planId,
    ).toBe('h1');
    expect(
      loanView({ ...loan, hardshipPlans: plans }, installments, '2027-06-20', rules).hardshipPlan?.planId,
    ).toBe('h2');
  });

  it('counts the fee in every total: due, outstanding and the loan outstanding', async () => {
    const { loan, installments } = await booked();
    const withFee = installments.map((i) => ({ ...i, feeDue: 500 }));
    const view = loanView(loan, withFee, '2027-05-20', rules);
    expect(view.installments[0]?.due).toEqual({
      principal: 98_515,
      interest: 4_500,
      fee: 500,
      penalty: 0,
      total: 103_515,
    });
    expect(view.installments[0]?.outstanding.total).toBe(103_515);
    expect(view.outstanding.fee).toBe(1_500);
    expect(view.outstanding.total).toBe(309_044 + 3 * 500); // the schedule, and a fee on each installment
  });

  it('calls an installment partly paid when only its fee or only its penalty was paid', async () => {
    const { loan, installments } = await booked();
    const [first, ...rest] = installments;
    if (!first) throw new Error('no installment');
    const feeOnly = { ...first, feeDue: 500, feePaid: 500 };
    expect(loanView(loan, [feeOnly, ...rest], '2027-05-20', rules).installments[0]?.status).toBe(
      'partially_paid',
    );
    // Re-dated by a plan after a penalty was paid: not yet due again, the penalty settled.
    const penaltyOnly = { ...first, penaltyAccrued: 300, penaltyPaid: 300 };
    expect(loanView(loan, [penaltyOnly, ...rest], '2027-05-20', rules).installments[0]?.status).toBe(
      'partially_paid',
    );
  });
});
