import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { ageLoans } from '#shared/escalation/age-loans.ts';
import type { LoanRecord } from '#shared/ports/records.ts';
import { loanFixture } from '../../fixtures/loans.ts';
import { at, borrowerRecord, type Harness, harness, startedEpisode, storedLoan } from './harness.ts';

/** The ageing job runs at 06:00 lender time on its business date. */
const ageingHarness = (date: string) => harness(at(date, '06:00'));

async function book(h: Harness, loanId: string, disbursedOn: string, over: Partial<LoanRecord> = {}) {
  const { loan, installments } = loanFixture({ loanId, ...over }, { disbursedOn });
  await h.stores.loans.book(loan, installments);
  if (!(await h.stores.borrowers.get('p-demo', 'u1'))) await h.stores.borrowers.upsert(borrowerRecord());
}

/** Which loan ids the use case read, through either read of the loan store. */
function spyReads(h: Harness): string[] {
  const read: string[] = [];
  const loans = h.stores.loans;
  const getLoan = loans.getLoan.bind(loans);
  const getWith = loans.getLoanWithInstallments.bind(loans);
  loans.getLoan = async (id) => {
    read.push(id);
    return getLoan(id);
  };
  loans.getLoanWithInstallments = async (id) => {
    read.push(id);
    return getWith(id);
  };
  return read;
}

describe('ageLoans: what it reads', () => {
  it('reads only the loans past due: a current loan is neither read nor written', async () => {
    const h = ageingHarness('2027-06-20');
    await book(h, 'L1', '2027-05-10'); // first due 2027-06-10: DPD 10
    await book(h, 'L2', '2027-06-01'); // first due 2027-07-01: current
    const read = spyReads(h);
    const result = await ageLoans(h.deps, '2027-06-20');
    expect(result.loansRead).toBe(1);
    expect(read).toContain('L1');
    expect(read).not.toContain('L2');
    expect((await storedLoan(h, 'L2')).version).toBe(1);
  });

  it('reads a past-due loan whose episode is under way once, and one it starts again only for the start', async () => {
    const h = ageingHarness('2027-06-20');
    await book(h, 'L1', '2027-05-10', { escalation: startedEpisode() });
    await book(h, 'L3', '2027-04-10');
    const read = spyReads(h);
    await ageLoans(h.deps, '2027-06-20');
    expect(read.filter((id) => id === 'L1')).toHaveLength(1);
    expect(read.filter((id) => id === 'L3')).toHaveLength(2);
  });

  it('reads a loan due yesterday but not one due today', async () => {
    const h = ageingHarness('2027-06-10');
    await book(h, 'L1', '2027-05-10'); // due today
    await book(h, 'L2', '2027-05-09'); // due yesterday
    const read = spyReads(h);
    expect((await ageLoans(h.deps, '2027-06-10')).loansRead).toBe(1);
    expect(read).not.toContain('L1');
  });
});

describe('ageLoans: buckets', () => {
  it('counts loans and their outstanding (penalty accrued to the day) per bucket', async () => {
    const h = ageingHarness('2027-06-20');
    await book(h, 'L1', '2027-05-10'); // DPD 10: M1
    await book(h, 'L3', '2027-04-10'); // DPD 41: M2
    const result = await ageLoans(h.deps, '2027-06-20');
    // 309,044 scheduled + 113 penalty (98,515 × 6 % × 7 days ÷ 365); 309,044 + 615 + 115 for L3.
    expect(result.byBucket).toEqual({
      M1: { loans: 1, outstanding: 309_157 },
      M2: { loans: 1, outstanding: 309_774 },
    });
  });

  it('puts a loan in grace in M1 and starts no episode for it', async () => {
    const h = ageingHarness('2027-06-12');
    await book(h, 'L1', '2027-05-10'); // DPD 2
    const result = await ageLoans(h.deps, '2027-06-12');
    expect(result).toMatchObject({
      loansRead: 1,
      byBucket: { M1: { loans: 1 } },
      episodesStarted: 0,
      openEpisodes: 0,
    });
    expect(h.workflow.starts).toEqual([]);
  });

  it('puts a loan whose past due is within the tolerance in current', async () => {
    const h = ageingHarness('2027-06-20');
    const { loan, installments } = loanFixture({ loanId: 'L1' });
    await h.stores.loans.book(
      loan,
      installments.map((i) =>
        i.installmentNo === 1 ? { ...i, interestPaid: i.interestDue, principalPaid: i.principalDue - 50 } : i,
      ),
    );
    const result = await ageLoans(h.deps, '2027-06-20');
    expect(result.byBucket.current?.loans).toBe(1);
    expect(result.episodesStarted).toBe(0);
  });
});

describe('ageLoans: transitions', () => {
  it('marks a loan non-performing at 90 DPD with LoanNonPerforming, once over two runs', async () => {
    const h = ageingHarness('2027-09-08');
    await book(h, 'L1', '2027-05-10', { escalation: startedEpisode({ rung: 'D+60' }) });
    const first = await ageLoans(h.deps, '2027-09-08');
    const second = await ageLoans(h.deps, '2027-09-08');
    expect(first.nonPerforming).toBe(1);
    expect(second.nonPerforming).toBe(0);
    expect(h.events.events).toEqual([
      {
        type: 'LoanNonPerforming',
        at: at('2027-09-08', '06:00').toISOString(),
        detail: { loanId: 'L1', partnerId: 'p-demo', borrowerId: 'u1', daysPastDue: 90 },
      },
    ]);
    expect(await storedLoan(h, 'L1')).toMatchObject({ status: 'active', nonPerformingSince: '2027-09-08' });
  });

  it('charges off at 120 DPD with LoanChargedOff, ending the open episode, once', async () => {
    const h = ageingHarness('2027-10-08');
    await book(h, 'L1', '2027-05-10', {
      escalation: startedEpisode({ rung: 'D+90' }),
      nonPerformingSince: '2027-09-08',
    });
    const first = await ageLoans(h.deps, '2027-10-08');
    expect(first).toMatchObject({ chargedOff: 1, nonPerforming: 0, openEpisodes: 0, episodesStarted: 0 });
    const loan = await storedLoan(h, 'L1');
    expect(loan.status).toBe('charged_off');
    expect(loan.escalation).toMatchObject({
      endReason: 'charged_off',
      endedAt: at('2027-10-08', '06:00').toISOString(),
    });

    h.clock.set(at('2027-10-09', '06:00'));
    const second = await ageLoans(h.deps, '2027-10-09');
    expect(second).toMatchObject({ loansRead: 0, chargedOff: 0 });
    expect(h.events.events.map((e) => e.type)).toEqual(['LoanChargedOff']);
    expect(h.workflow.starts).toEqual([]);
  });

  it('makes both transitions together for a loan that reached 120 DPD unmarked', async () => {
    const h = ageingHarness('2027-10-08');
    await book(h, 'L1', '2027-05-10');
    const result = await ageLoans(h.deps, '2027-10-08');
    expect(result).toMatchObject({ nonPerforming: 1, chargedOff: 1, episodesStarted: 0 });
    expect(h.events.events.map((e) => e.type)).toEqual(['LoanNonPerforming', 'LoanChargedOff']);
  });
});

describe('ageLoans: episodes', () => {
  it('starts the episode a missed sweep left unopened, once over two runs', async () => {
    const h = ageingHarness('2027-06-20');
    await book(h, 'L1', '2027-05-10');
    const first = await ageLoans(h.deps, '2027-06-20');
    expect(first).toMatchObject({ episodesStarted: 1, openEpisodes: 1 });
    expect(h.workflow.started()).toEqual(['L1-e1']);
    expect((await storedLoan(h, 'L1')).escalation?.executionStartedAt).toBe(
      at('2027-06-20', '06:00').toISOString(),
    );

    const second = await ageLoans(h.deps, '2027-06-20');
    expect(second).toMatchObject({ episodesStarted: 0, openEpisodes: 1 });
    expect(h.workflow.starts).toHaveLength(1);
  });

  it('starts again the open episode whose start crashed, under its name', async () => {
    const h = ageingHarness('2027-06-20');
    const crashed = startedEpisode({ episode: 2 });
    delete crashed.executionStartedAt;
    await book(h, 'L1', '2027-05-10', { escalation: crashed });
    const result = await ageLoans(h.deps, '2027-06-20');
    expect(result.episodesStarted).toBe(1);
    expect(h.workflow.started()).toEqual(['L1-e2']);
  });

  it('counts the open episodes, started or not by this run', async () => {
    const h = ageingHarness('2027-06-20');
    await book(h, 'L1', '2027-05-10', { escalation: startedEpisode() });
    await book(h, 'L3', '2027-04-10');
    await book(h, 'L4', '2027-05-10', {
      escalation: startedEpisode({ endedAt: '2027-06-01T00:00:00.000Z', endReason: 'cured' }),
    });
    const result = await ageLoans(h.deps, '2027-06-20');
    // L1 was open; L3 and L4 (a new episode 2) are opened now.
    expect(result).toMatchObject({ loansRead: 3, episodesStarted: 2, openEpisodes: 3 });
    expect(h.workflow.started().sort()).toEqual(['L3-e1', 'L4-e2']);
  });
});

describe('ageLoans: metrics', () => {
  it('emits count and outstanding per bucket, the transitions and the open episodes', async () => {
    const h = ageingHarness('2027-06-20');
    await book(h, 'L1', '2027-05-10');
    const single = { addDimension: vi.fn(), addMetric: vi.fn() };
    const metrics = { addMetric: vi.fn(), singleMetric: vi.fn(() => single) };
    await ageLoans({ ...h.deps, metrics: metrics as unknown as Metrics }, '2027-06-20');
    expect(single.addDimension).toHaveBeenCalledWith('bucket', 'M1');
    expect(single.addMetric).toHaveBeenCalledWith('LoansByBucket', 'Count', 1);
    expect(single.addMetric).toHaveBeenCalledWith('OutstandingByBucket', 'None', 309_157);
    expect(metrics.addMetric).toHaveBeenCalledWith('LoansNonPerforming', 'Count', 0);
    expect(metrics.addMetric).toHaveBeenCalledWith('LoansChargedOff', 'Count', 0);
    expect(metrics.addMetric).toHaveBeenCalledWith('EpisodesStartedByAgeing', 'Count', 1);
    expect(metrics.addMetric).toHaveBeenCalledWith('OpenEscalationEpisodes', 'Count', 1);
  });
});
