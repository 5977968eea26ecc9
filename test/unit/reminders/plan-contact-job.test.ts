import { describe, expect, it } from 'vitest';
import { defaultRules, loadRules, type Rules } from '#shared/config/rules.ts';
import type { HardshipPlan } from '#shared/lending/hardship-plan.ts';
import type {
  BorrowerRecord,
  ContactEntry,
  InstallmentRecord,
  JobContext,
  LoanWithInstallments,
} from '#shared/ports/records.ts';
import { contextKeysOf, type JobPlan, planContactJob } from '#shared/reminders/plan-contact-job.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';
import { loanFixture } from '../../fixtures/loans.ts';

const rules = defaultRules;

// Both loans: installments due 2027-06-10, 2027-07-10 and 2027-08-10 (Shanghai), nothing paid.
const L1 = () => loanFixture({ loanId: 'L1' });
const L2 = () => loanFixture({ loanId: 'L2' });

function borrower(over: Partial<BorrowerRecord> = {}, prefs: Partial<BorrowerRecord['preferences']> = {}) {
  const b: BorrowerRecord = {
    partnerId: 'p-demo',
    borrowerId: 'u1',
    identityHash: 'id-hash-u1',
    nameEncrypted: 'enc:name',
    phoneEncrypted: 'enc:phone',
    emailEncrypted: 'enc:email',
    preferences: {
      language: 'zh-CN',
      timezone: 'Asia/Shanghai',
      optOut: [],
      consents: {
        contactBySms: true,
        contactByEmail: true,
        shareWithCollectionAgencies: false,
        sensitiveData: true,
      },
      ...prefs,
    },
    createdAt: '2027-05-01T00:00:00.000Z',
    updatedAt: '2027-05-01T00:00:00.000Z',
    ...over,
  };
  return b;
}

interface ContextParts {
  borrower?: BorrowerRecord | null;
  loans?: LoanWithInstallments[];
  ledger?: ContactEntry[];
  history?: Record<string, ContactEntry[]>;
}

/** A JobContext as the batch load would give it: every installment of the loans given, by `loanId#no`. */
function context(parts: ContextParts = {}): JobContext {
  const loans = parts.loans ?? [L1()];
  const b = parts.borrower === null ? undefined : (parts.borrower ?? borrower());
  return {
    ...(b ? { borrower: b } : {}),
    loans: new Map(loans.map((l) => [l.loan.loanId, l.loan])),
    installments: new Map(
      loans.flatMap((l) => l.installments.map((i) => [`${i.loanId}#${i.installmentNo}`, i] as const)),
    ),
    ledger: new Map((parts.ledger ?? []).map((e) => [`${e.loanId}#${e.installmentNo}`, e])),
    loanHistory: new Map(Object.entries(parts.history ?? {})),
  };
}

type Item = ContactJob['items'][number];
const item = (loanId: string, installmentNo: number, dueDate: string): Item => ({
  loanId,
  installmentNo,
  dueDate,
});

function job(over: Partial<ContactJob> = {}): ContactJob {
  return {
    jobId: 'job-1',
    businessDate: '2027-06-09',
    partnerId: 'p-demo',
    borrowerId: 'u1',
    stage: 'D-1',
    offsetDays: -1,
    channel: 'sms',
    items: [item('L1', 1, '2027-06-10')],
    ...over,
  };
}

/** 09:00 in Shanghai on `date` (the sweep's hour). */
const nineAm = (date: string) => new Date(`${date}T01:00:00.000Z`);
const D_MINUS_1 = nineAm('2027-06-09');

function entry(
  loanId: string,
  installmentNo: number,
  status: ContactEntry['status'],
  sentAt?: string,
  stage = 'D-1',
): ContactEntry {
  return {
    loanId,
    installmentNo,
    occurrence: '2027-06-10',
    stage,
    channel: 'sms',
    status,
    claimedAt: sentAt ?? '2027-06-09T01:00:00.000Z',
    leaseUntil: '2027-06-09T01:00:30.000Z',
    attempts: 1,
    ...(sentAt ? { sentAt } : {}),
  };
}

function withInstallment(
  l: LoanWithInstallments,
  no: number,
  change: (i: InstallmentRecord) => InstallmentRecord,
): LoanWithInstallments {
  return { ...l, installments: l.installments.map((i) => (i.installmentNo === no ? change(i) : i)) };
}

const paidUp = (i: InstallmentRecord): InstallmentRecord => ({
  ...i,
  principalPaid: i.principalDue,
  interestPaid: i.interestDue,
  feePaid: i.feeDue,
  paidOn: i.dueDate,
});

function grantedPlan(startsOn: string, endsOn: string): HardshipPlan {
  return {
    planId: 'hs-1',
    status: 'granted',
    reason: 'illness',
    deferralDays: 30,
    requestedAt: `${startsOn}T02:00:00.000Z`,
    startsOn,
    endsOn,
    referralReasons: [],
  };
}

const plan = (j: ContactJob, c: JobContext, now: Date, r: Rules = rules) => planContactJob(j, c, now, r);
const loansOf = (p: JobPlan) => (p.kind === 'nothing' ? [] : p.items.map((i) => i.key.loanId));

describe('planContactJob: a job to send', () => {
  it("sends the item with its key, outstanding amount and due date, on the borrower's daily slot", () => {
    const p = plan(job(), context(), D_MINUS_1);
    const b = borrower();
    expect(p).toEqual({
      kind: 'send',
      borrower: b,
      items: [
        {
          key: { loanId: 'L1', installmentNo: 1, occurrence: '2027-06-10', stage: 'D-1', channel: 'sms' },
          amount: L1().installments[0]?.amountDue,
          dueDate: '2027-06-10',
        },
      ],
      overWeeklyCap: [],
      slot: {
        identityHash: 'id-hash-u1',
        localDate: '2027-06-09',
        channel: 'sms',
        messageKey: 'job-1',
        cap: rules.contact.maxSmsPerBorrowerPerDay,
      },
    });
  });

  it('gives the amount still outstanding on a partly paid installment', () => {
    const l = withInstallment(L1(), 1, (i) => ({ ...i, interestPaid: i.interestDue, principalPaid: 1000 }));
    const p = plan(job(), context({ loans: [l] }), D_MINUS_1);
    const inst = L1().installments[0];
    expect(p.kind === 'send' && p.items[0]?.amount).toBe(
      (inst?.principalDue ?? 0) - 1000 + (inst?.feeDue ?? 0),
    );
  });
});

describe('planContactJob: what drops out', () => {
  it('does nothing when the borrower is missing', () => {
    expect(plan(job(), context({ borrower: null }), D_MINUS_1)).toEqual({ kind: 'nothing' });
  });

  it('drops an installment paid since the sweep', () => {
    const l = withInstallment(L1(), 1, paidUp);
    expect(plan(job(), context({ loans: [l] }), D_MINUS_1)).toEqual({ kind: 'nothing' });
  });

  it('drops an item whose loan or installment is not found', () => {
    expect(plan(job({ items: [item('L9', 1, '2027-06-10')] }), context(), D_MINUS_1).kind).toBe('nothing');
    expect(plan(job({ items: [item('L1', 9, '2027-06-10')] }), context(), D_MINUS_1).kind).toBe('nothing');
  });

  it('drops an item of a loan that is no longer active', () => {
    for (const status of ['paid_off', 'charged_off'] as const) {
      const l = L1();
      l.loan.status = status;
      expect(plan(job(), context({ loans: [l] }), D_MINUS_1).kind).toBe('nothing');
    }
  });

  it('drops an installment re-dated since the sweep (its due date differs)', () => {
    const l = withInstallment(L1(), 1, (i) => ({ ...i, dueDate: '2027-07-10' }));
    expect(plan(job(), context({ loans: [l] }), D_MINUS_1).kind).toBe('nothing');
  });

  it('keeps a reminder of a loan under an active hardship plan: the grant re-dated it, the new date is reminded', () => {
    const l = L1();
    l.loan.hardshipPlans = [grantedPlan('2027-06-01', '2027-06-30')];
    expect(plan(job(), context({ loans: [l] }), D_MINUS_1).kind).toBe('send');
  });

  it('drops a rung message of a loan under an active hardship plan: the plan pauses the ladder', () => {
    const rung = job({ stage: 'D+7', offsetDays: 7, episode: 1, items: [item('L1', 1, '2027-06-10')] });
    const l = L1();
    l.loan.escalation = { episode: 1, rung: 'D+4', since: 'x', pausedUntil: null };
    l.loan.hardshipPlans = [grantedPlan('2027-06-15', '2027-07-14')];
    expect(plan(rung, context({ loans: [l] }), nineAm('2027-06-17')).kind).toBe('nothing');
    l.loan.hardshipPlans = [];
    expect(plan(rung, context({ loans: [l] }), nineAm('2027-06-17')).kind).toBe('send');
  });

  it('drops an item of a non-performing loan: automated messages stop', () => {
    const l = L1();
    l.loan.nonPerformingSince = '2027-06-01';
    expect(plan(job(), context({ loans: [l] }), D_MINUS_1).kind).toBe('nothing');
  });

  it('drops a rung message of an episode that has ended, or of another episode', () => {
    const rung = job({ stage: 'D+7', offsetDays: 7, episode: 1, items: [item('L1', 2, '2027-07-10')] });
    const at = nineAm('2027-07-17');
    const ended = withInstallment(L1(), 1, paidUp);
    ended.loan.escalation = {
      episode: 1,
      rung: 'D+4',
      since: 'x',
      pausedUntil: null,
      endedAt: 'y',
      endReason: 'cured',
    };
    expect(plan(rung, context({ loans: [ended] }), at).kind).toBe('nothing');
    const later = withInstallment(L1(), 1, paidUp);
    later.loan.escalation = { episode: 2, rung: 'D+4', since: 'x', pausedUntil: null };
    expect(plan(rung, context({ loans: [later] }), at).kind).toBe('nothing');
    const open = withInstallment(L1(), 1, paidUp);
    open.loan.escalation = { episode: 1, rung: 'D+4', since: 'x', pausedUntil: null };
    const sent = plan(rung, context({ loans: [open] }), at);
    expect(sent.kind).toBe('send');
    // A rung's ledger entry is keyed by its episode: a second episode's D+7 is a contact of its own.
    expect(sent.kind === 'send' && sent.items.map((i) => i.key.occurrence)).toEqual(['e1']);
  });

  it('keeps an item of a loan whose plan has ended or was only referred', () => {
    const ended = L1();
    ended.loan.hardshipPlans = [grantedPlan('2027-05-01', '2027-06-08')];
    expect(plan(job(), context({ loans: [ended] }), D_MINUS_1).kind).toBe('send');
    const referred = L1();
    referred.loan.hardshipPlans = [
      { ...grantedPlan('2027-06-01', '2027-06-30'), status: 'referred', startsOn: null, endsOn: null },
    ];
    expect(plan(job(), context({ loans: [referred] }), D_MINUS_1).kind).toBe('send');
  });

  it('drops an item the ledger already has as sent or suppressed', () => {
    for (const status of ['sent', 'suppressed'] as const) {
      const ledger = [entry('L1', 1, status, '2027-06-09T00:30:00.000Z')];
      expect(plan(job(), context({ ledger }), D_MINUS_1).kind).toBe('nothing');
    }
  });

  it('keeps an item the ledger has only as claimed or failed (a retry)', () => {
    for (const status of ['claimed', 'failed'] as const) {
      expect(plan(job(), context({ ledger: [entry('L1', 1, status)] }), D_MINUS_1).kind).toBe('send');
    }
  });

  it('drops only the items that drop out and keeps the rest of a consolidated job', () => {
    const j = job({ items: [item('L1', 1, '2027-06-10'), item('L2', 1, '2027-06-10')] });
    const p = plan(j, context({ loans: [L1(), withInstallment(L2(), 1, paidUp)] }), D_MINUS_1);
    expect(p.kind).toBe('send');
    expect(loansOf(p)).toEqual(['L1']);
  });

  describe('overdue stages follow the oldest unpaid installment', () => {
    const dPlus1 = job({ stage: 'D+1', offsetDays: 1, items: [item('L1', 2, '2027-07-10')] });
    const now = nineAm('2027-07-11');

    it('drops an installment when an older one is unpaid and past due', () => {
      expect(plan(dPlus1, context(), now).kind).toBe('nothing');
    });

    it('drops it when what is past due is within the arrears tolerance by the time it is sent (cured)', () => {
      const within = withInstallment(L1(), 1, paidUp);
      const almost = withInstallment(within, 2, (i) => ({
        ...i,
        interestPaid: i.interestDue,
        principalPaid: i.principalDue - rules.delinquency.arrearsToleranceFen,
      }));
      expect(plan(dPlus1, context({ loans: [almost] }), now).kind).toBe('nothing');
    });

    it("judges the loan by its own installments, whatever another loan of the job's person owes", () => {
      // L1 cured within the tolerance; L2 of the same person owes its second installment in full.
      const cured = withInstallment(withInstallment(L1(), 1, paidUp), 2, (i) => ({
        ...i,
        interestPaid: i.interestDue,
        principalPaid: i.principalDue - 1,
      }));
      const l2Late = withInstallment(L2(), 1, paidUp);
      expect(plan(dPlus1, context({ loans: [cured, l2Late] }), now).kind).toBe('nothing');
    });

    it('finds the oldest by installment number, in whatever order the batch load gave them', () => {
      const reversed = { ...L1(), installments: [...L1().installments].reverse() };
      expect(plan(dPlus1, context({ loans: [reversed] }), now).kind).toBe('nothing');
      const dPlus1First = job({ stage: 'D+31', offsetDays: 31, items: [item('L1', 1, '2027-06-10')] });
      expect(plan(dPlus1First, context({ loans: [reversed] }), now).kind).not.toBe('nothing');
    });

    it('keeps it when the older installments are paid', () => {
      expect(plan(dPlus1, context({ loans: [withInstallment(L1(), 1, paidUp)] }), now).kind).toBe('send');
    });

    it('keeps an older unpaid installment from covering a stage before the due date', () => {
      const dMinus1 = job({
        businessDate: '2027-07-09',
        stage: 'D-1',
        offsetDays: -1,
        items: [item('L1', 2, '2027-07-10')],
      });
      expect(plan(dMinus1, context(), nineAm('2027-07-09')).kind).toBe('send');
    });

    it('keeps an older unpaid installment from covering the due-date stage (D0)', () => {
      const d0 = job({
        businessDate: '2027-07-10',
        stage: 'D0',
        offsetDays: 0,
        items: [item('L1', 2, '2027-07-10')],
      });
      expect(plan(d0, context(), nineAm('2027-07-10')).kind).toBe('send');
    });
  });
});

describe('planContactJob: contact rules', () => {
  it('suppresses an email job with no_address when the borrower has no email', () => {
    const p = plan(
      job({ businessDate: '2027-06-10', channel: 'email', stage: 'D0', offsetDays: 0 }),
      context({ borrower: borrower({ emailEncrypted: undefined }) }),
      nineAm('2027-06-10'),
    );
    expect(p.kind).toBe('suppress');
    expect(p.kind === 'suppress' && p.reason).toBe('no_address');
    expect(loansOf(p)).toEqual(['L1']);
  });

  it('suppresses with no_address before the opt-out and the window are considered', () => {
    const b = borrower({ emailEncrypted: undefined }, { optOut: ['email'], timezone: 'America/New_York' });
    const p = plan(job({ channel: 'email' }), context({ borrower: b }), D_MINUS_1);
    expect(p.kind === 'suppress' && p.reason).toBe('no_address');
  });

  it('suppresses SMS to a number marked wrong, and still sends the email', () => {
    const b = borrower({
      phoneHash: 'hash-of-phone',
      wrongNumber: { since: '2027-06-01T02:00:00.000Z', phoneHash: 'hash-of-phone' },
    });
    const sms = plan(job(), context({ borrower: b }), D_MINUS_1);
    expect(sms.kind === 'suppress' && sms.reason).toBe('wrong_number');
    expect(plan(job({ channel: 'email' }), context({ borrower: b }), D_MINUS_1).kind).toBe('send');
  });

  it('suppresses an opted-out channel and sends on the other', () => {
    const b = borrower({}, { optOut: ['sms'] });
    const sms = plan(job(), context({ borrower: b }), D_MINUS_1);
    expect(sms.kind === 'suppress' && sms.reason).toBe('opted_out');
    expect(loansOf(sms)).toEqual(['L1']);
    expect(plan(job({ channel: 'email' }), context({ borrower: b }), D_MINUS_1).kind).toBe('send');
  });

  /** The borrower's preferences with consents changed as given (every other consent given). */
  const consenting = (change: Partial<BorrowerRecord['preferences']['consents']>) => ({
    consents: {
      contactBySms: true,
      contactByEmail: true,
      shareWithCollectionAgencies: false,
      sensitiveData: true,
      ...change,
    },
  });

  it('suppresses an sms job with no_consent without consent to sms, and sends email', () => {
    const b = borrower({}, consenting({ contactBySms: false }));
    const sms = plan(job(), context({ borrower: b }), D_MINUS_1);
    expect(sms.kind === 'suppress' && sms.reason).toBe('no_consent');
    expect(loansOf(sms)).toEqual(['L1']);
    expect(plan(job({ channel: 'email' }), context({ borrower: b }), D_MINUS_1).kind).toBe('send');
  });

  it('suppresses an email job with no_consent without consent to email, and sends sms', () => {
    const b = borrower({}, consenting({ contactByEmail: false }));
    const email = plan(job({ channel: 'email' }), context({ borrower: b }), D_MINUS_1);
    expect(email.kind === 'suppress' && email.reason).toBe('no_consent');
    expect(loansOf(email)).toEqual(['L1']);
    expect(plan(job(), context({ borrower: b }), D_MINUS_1).kind).toBe('send');
  });

  it('suppresses a channel without consent outside the window, and before an opt-out', () => {
    const b = borrower(
      {},
      { ...consenting({ contactBySms: false }), optOut: ['sms'], timezone: 'America/New_York' },
    );
    const p = plan(job(), context({ borrower: b }), D_MINUS_1);
    expect(p.kind === 'suppress' && p.reason).toBe('no_consent');
  });

  it('suppresses an opted-out channel outside the window rather than deferring it', () => {
    const b = borrower({}, { optOut: ['sms'], timezone: 'America/New_York' });
    const p = plan(job(), context({ borrower: b }), D_MINUS_1);
    expect(p.kind === 'suppress' && p.reason).toBe('opted_out');
  });

  it("defers a job outside 08:00-21:00 in the borrower's zone until the next window opens", () => {
    // 09:00 in Shanghai is 21:00 the evening before in New York (EDT): the window opens at 08:00 EDT.
    const b = borrower({}, { timezone: 'America/New_York' });
    const p = plan(job(), context({ borrower: b }), D_MINUS_1);
    expect(p).toEqual({
      kind: 'defer',
      borrower: b,
      items: [
        {
          key: { loanId: 'L1', installmentNo: 1, occurrence: '2027-06-10', stage: 'D-1', channel: 'sms' },
          amount: L1().installments[0]?.amountDue,
          dueDate: '2027-06-10',
        },
      ],
      until: new Date('2027-06-09T12:00:00.000Z'),
    });
  });

  it("defers at 07:59 in the borrower's zone until 08:00 that same day", () => {
    const b = borrower({}, { timezone: 'America/New_York' });
    const p = plan(job(), context({ borrower: b }), new Date('2027-06-09T11:59:00.000Z'));
    expect(p.kind === 'defer' && p.until.toISOString()).toBe('2027-06-09T12:00:00.000Z');
  });

  it('suppresses a pre-due reminder delivered after its day, in the lender’s zone and the borrower’s, with missed_window', () => {
    const late = plan(job(), context(), nineAm('2027-06-10'));
    expect(late.kind === 'suppress' && late.reason).toBe('missed_window');
    expect(loansOf(late)).toEqual(['L1']);
    // 20:59 on the 9th in New York is the 10th in Shanghai: still the borrower's day, so it goes out.
    const b = borrower({}, { timezone: 'America/New_York' });
    expect(plan(job(), context({ borrower: b }), new Date('2027-06-10T00:59:00.000Z')).kind).toBe('send');
    // 23:30 on the 9th in Shanghai is the 10th in Tokyo: the lender's day is not over, so it waits for
    // the borrower's window instead of being missed.
    const east = borrower({}, { timezone: 'Asia/Tokyo' });
    expect(plan(job(), context({ borrower: east }), new Date('2027-06-09T15:30:00.000Z')).kind).toBe('defer');
  });

  it("sends at 08:00 and at 20:59 in the borrower's zone", () => {
    const b = borrower({}, { timezone: 'America/New_York' });
    expect(plan(job(), context({ borrower: b }), new Date('2027-06-09T12:00:00.000Z')).kind).toBe('send');
    expect(plan(job(), context({ borrower: b }), new Date('2027-06-10T00:59:00.000Z')).kind).toBe('send');
  });

  it("takes the daily slot's date in the borrower's zone, not the lender's", () => {
    // 09:00 on 2027-06-09 in Shanghai is 18:00 on 2027-06-08 in Los Angeles (PDT).
    const b = borrower({}, { timezone: 'America/Los_Angeles' });
    const p = plan(job(), context({ borrower: b }), D_MINUS_1);
    expect(p.kind === 'send' && p.slot.localDate).toBe('2027-06-08');
  });

  it("reserves against the channel's own daily cap, keyed by the job", () => {
    const custom = loadRules({ contact: { maxSmsPerBorrowerPerDay: 3, maxEmailsPerBorrowerPerDay: 1 } });
    const sms = plan(job({ jobId: 'job-sms' }), context(), D_MINUS_1, custom);
    const email = plan(job({ jobId: 'job-email', channel: 'email' }), context(), D_MINUS_1, custom);
    expect(sms.kind === 'send' && sms.slot).toMatchObject({ channel: 'sms', cap: 3, messageKey: 'job-sms' });
    expect(email.kind === 'send' && email.slot).toMatchObject({
      channel: 'email',
      cap: 1,
      messageKey: 'job-email',
    });
    expect(email.kind === 'send' && email.items[0]?.key.channel).toBe('email');
  });
});

describe('planContactJob: the rolling 7-day cap per loan', () => {
  // A stage a week after the due date of 2027-06-10; the cap applies from D+4.
  const dPlus7 = (items: Item[] = [item('L1', 1, '2027-06-10')]) =>
    job({ stage: 'D+7', offsetDays: 7, items });
  const now = nineAm('2027-06-17');
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const DAY = 86_400_000;
  const sent = (loanId: string, n: number, msAgo: number) =>
    Array.from({ length: n }, (_, k) => entry(loanId, 1, 'sent', ago(msAgo + k), `S${k}`));

  it('suppresses with weekly_cap a loan with 7 contacts sent in the last 7 days', () => {
    const p = plan(dPlus7(), context({ history: { L1: sent('L1', 7, DAY) } }), now);
    expect(p.kind === 'suppress' && p.reason).toBe('weekly_cap');
    expect(loansOf(p)).toEqual(['L1']);
  });

  it('sends with 6 in the last 7 days, however many were sent before', () => {
    const history = { L1: [...sent('L1', 6, DAY), ...sent('L1', 5, 8 * DAY)] };
    expect(plan(dPlus7(), context({ history }), now).kind).toBe('send');
  });

  it('counts a contact sent exactly 7 days ago and not one a millisecond older', () => {
    const atEdge = { L1: [...sent('L1', 6, DAY), entry('L1', 1, 'sent', ago(7 * DAY))] };
    expect(plan(dPlus7(), context({ history: atEdge }), now).kind).toBe('suppress');
    const older = { L1: [...sent('L1', 6, DAY), entry('L1', 1, 'sent', ago(7 * DAY + 1))] };
    expect(plan(dPlus7(), context({ history: older }), now).kind).toBe('send');
  });

  it('counts only sent contacts, not claimed, failed or suppressed ones', () => {
    const history = {
      L1: [
        ...sent('L1', 6, DAY),
        entry('L1', 1, 'suppressed', ago(DAY)),
        entry('L1', 1, 'failed', ago(DAY)),
        entry('L1', 1, 'claimed', ago(DAY)),
      ],
    };
    expect(plan(dPlus7(), context({ history }), now).kind).toBe('send');
  });

  it('sends the loans under the cap and lists the capped ones apart', () => {
    const j = dPlus7([item('L1', 1, '2027-06-10'), item('L2', 1, '2027-06-10')]);
    const p = plan(j, context({ loans: [L1(), L2()], history: { L1: sent('L1', 7, DAY), L2: [] } }), now);
    expect(p.kind).toBe('send');
    if (p.kind !== 'send') return;
    expect(p.items.map((i) => i.key.loanId)).toEqual(['L2']);
    expect(p.overWeeklyCap.map((i) => i.key.loanId)).toEqual(['L1']);
  });

  it('does not apply before weeklyCapFromOffsetDays', () => {
    const dPlus3 = job({ stage: 'D+3', offsetDays: 3, items: [item('L1', 1, '2027-06-10')] });
    const at = nineAm('2027-06-13');
    const history = { L1: Array.from({ length: 10 }, (_, k) => entry('L1', 1, 'sent', ago(DAY + k))) };
    expect(plan(dPlus3, context({ history }), at).kind).toBe('send');
    const earlier = loadRules({ contact: { weeklyCapFromOffsetDays: 3 } });
    const capped = plan(dPlus3, context({ history }), at, earlier);
    expect(capped.kind === 'suppress' && capped.reason).toBe('weekly_cap');
  });
});

describe('contextKeysOf', () => {
  it('asks for nothing extra before or on the due date', () => {
    for (const offsetDays of [-3, -1, 0]) {
      const j = job({ offsetDays });
      expect(contextKeysOf(j, rules)).toEqual({
        ...j,
        withLoanInstallments: false,
        withLoanHistory: false,
      });
    }
  });

  it('asks for every installment of the loans at overdue stages', () => {
    for (const offsetDays of [1, 3]) {
      expect(contextKeysOf(job({ offsetDays }), rules)).toMatchObject({
        withLoanInstallments: true,
        withLoanHistory: false,
      });
    }
  });

  it('asks for the loan history from weeklyCapFromOffsetDays on', () => {
    expect(contextKeysOf(job({ offsetDays: 4 }), rules)).toMatchObject({
      withLoanInstallments: true,
      withLoanHistory: true,
    });
    expect(contextKeysOf(job({ offsetDays: 30 }), rules).withLoanHistory).toBe(true);
    const earlier = loadRules({ contact: { weeklyCapFromOffsetDays: 2 } });
    expect(contextKeysOf(job({ offsetDays: 2 }), earlier).withLoanHistory).toBe(true);
    expect(contextKeysOf(job({ offsetDays: 1 }), earlier).withLoanHistory).toBe(false);
  });

  it("keeps the job's partner, borrower, items, stage and channel", () => {
    const j = job({ items: [item('L1', 1, '2027-06-10'), item('L2', 3, '2027-08-10')], channel: 'email' });
    expect(contextKeysOf(j, rules)).toMatchObject({
      partnerId: 'p-demo',
      borrowerId: 'u1',
      items: j.items,
      stage: 'D-1',
      channel: 'email',
    });
  });
});
