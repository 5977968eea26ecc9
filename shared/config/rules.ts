import * as z from 'zod';

/**
 * Every lending and collection default of domain-rules.md, in one typed place.
 * Code reads numbers from a parsed `Rules` object, never from literals of its own.
 */

const bps = z.number().int().min(0).max(100_000);
const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

export const lprEntrySchema = z.object({ from: isoDate, oneYearBps: bps });

const binSchema = z.object({
  /** Inclusive upper edge of the bin; the last bin of a table omits it. */
  upTo: z.number().optional(),
  points: z.number().int(),
});

export const rulesSchema = z.object({
  timezone: z.string().default('Asia/Shanghai'),
  money: z
    .object({
      /** Day count used for daily penalty interest. */
      dayCountBasis: z.number().int().positive().default(365),
    })
    .prefault({}),
  rateCap: z
    .object({
      mode: z.enum(['fixed', 'lpr4x']).default('fixed'),
      aprCapBps: bps.default(2400),
      lprMultiple: z.number().int().positive().default(4),
      /** One-year LPR, newest last; the entry in force on the contract date applies. */
      lprTable: z
        .array(lprEntrySchema)
        .min(1)
        .default([
          { from: '2023-08-21', oneYearBps: 345 },
          { from: '2024-07-22', oneYearBps: 335 },
          { from: '2024-10-21', oneYearBps: 310 },
          { from: '2025-05-20', oneYearBps: 300 },
        ]),
    })
    .prefault({}),
  delinquency: z
    .object({
      arrearsToleranceFen: fen.default(100),
      graceDays: z.number().int().min(0).default(3),
      /** Penalty APR is this share (bps of the contract APR), bounded by the cap headroom. */
      penaltyShareOfAprBps: bps.default(5000),
      buckets: z.array(z.object({ name: z.string(), maxDpd: z.number().int().nullable() })).default([
        { name: 'current', maxDpd: 0 },
        { name: 'M1', maxDpd: 30 },
        { name: 'M2', maxDpd: 60 },
        { name: 'M3', maxDpd: 90 },
        { name: 'M3+', maxDpd: null },
      ]),
      nonPerformingDpd: z.number().int().positive().default(90),
      chargeOffDpd: z.number().int().positive().default(120),
    })
    .prefault({}),
  schedule: z
    .object({
      minTermMonths: z.number().int().positive().default(1),
      maxTermMonths: z.number().int().positive().default(24),
      maxBulletTermMonths: z.number().int().positive().default(12),
      /**
       * Shards of the due-date index: one busy date's writes (booking, payments on the day) spread over
       * this many partition keys (about 1,000 writes/s each). Each costs a query per swept date, rounded
       * up to half a read unit, so more shards than the write rate needs only add read cost.
       */
      dueIndexShards: z.number().int().min(1).max(100).default(4),
    })
    .prefault({}),
  contact: z
    .object({
      windowStart: hhmm.default('08:00'),
      windowEnd: hhmm.default('21:00'),
      sweepAt: hhmm.default('09:00'),
      maxSmsPerBorrowerPerDay: z.number().int().min(0).default(2),
      maxEmailsPerBorrowerPerDay: z.number().int().min(0).default(2),
      maxContactsPerLoanPer7Days: z.number().int().min(0).default(7),
      maxAgentTasksPerBorrowerPerDay: z.number().int().min(0).default(3),
      optOutKeywords: z
        .array(z.string())
        .default(['STOP', 'QUIT', 'END', 'REVOKE', 'OPT OUT', 'CANCEL', 'UNSUBSCRIBE', 'TD', '退订']),
      recordRetentionYears: z.number().int().positive().default(5),
      /** Reminder stages the daily sweep finds through the due-date index (domain-rules.md table). */
      reminderStages: z
        .array(
          z.object({
            id: z.string(),
            /** Days from the due date: -3 is three days before, 1 the day after. */
            offsetDays: z.number().int(),
            channels: z.array(z.enum(['sms', 'email'])).min(1),
          }),
        )
        .default([
          { id: 'D-3', offsetDays: -3, channels: ['sms'] },
          { id: 'D-1', offsetDays: -1, channels: ['sms'] },
          { id: 'D0', offsetDays: 0, channels: ['sms', 'email'] },
          { id: 'D+1', offsetDays: 1, channels: ['sms'] },
          { id: 'D+3', offsetDays: 3, channels: ['sms', 'email'] },
        ]),
      /** Stages from this offset on count toward the per-loan rolling 7-day cap. */
      weeklyCapFromOffsetDays: z.number().int().default(4),
      /** A sender holds a claim this long; after it, a retry may claim and send again. */
      claimLeaseSeconds: z.number().int().positive().default(30),
      /** A sweep run of a business date holds it this long; after it, a retry may take the run over. */
      sweepLeaseSeconds: z.number().int().positive().default(600),
      /** Sender Lambdas working the queue at once: keeps sends under the SMS sender's rate. */
      senderMaxConcurrency: z.number().int().min(2).max(1000).default(5),
      smsSenderId: z.string().max(11).default('Duebell'),
      emailFrom: z.string().default('reminders@duebell.example'),
    })
    .prefault({}),
  lender: z
    .object({
      name: z
        .object({ en: z.string(), 'zh-CN': z.string() })
        .default({ en: 'Duebell Consumer Finance', 'zh-CN': '都贝消费金融' }),
    })
    .prefault({}),
  scoring: z
    .object({
      modelVersion: z.string().default('scorecard-2026.1'),
      basePoints: z.number().default(600),
      baseOdds: z.number().positive().default(50),
      pointsToDoubleOdds: z.number().positive().default(20),
      grades: z.array(z.object({ grade: z.enum(['A', 'B', 'C', 'D', 'E']), minScore: z.number() })).default([
        { grade: 'A', minScore: 680 },
        { grade: 'B', minScore: 640 },
        { grade: 'C', minScore: 600 },
        { grade: 'D', minScore: 560 },
      ]),
      /** Grade of any score below every `minScore` above. */
      lowestGrade: z.enum(['A', 'B', 'C', 'D', 'E']).default('E'),
      gradeDecision: z
        .record(z.enum(['A', 'B', 'C', 'D', 'E']), z.enum(['approve', 'refer', 'decline']))
        .default({ A: 'approve', B: 'approve', C: 'approve', D: 'refer', E: 'decline' }),
      gradeAprBps: z.record(z.enum(['A', 'B', 'C']), bps).default({ A: 1000, B: 1400, C: 1800 }),
      minAge: z.number().int().default(18),
      maxAge: z.number().int().default(65),
      /** Declines at this many active loans with other lenders or more. */
      multiLendingDeclineAt: z.number().int().default(5),
      /** Declines at this many inquiries in 90 days or more. */
      inquiryDeclineAt: z.number().int().default(8),
      /** Declines when debt-to-income after the new installment is above this. */
      maxDtiBps: bps.default(5500),
      severeDelinquencyDpd: z.number().int().default(90),
      maxOfferIncomeMultiple: z.number().int().positive().default(6),
      maxOfferFen: fen.default(20_000_000),
      minOfferFen: fen.default(50_000),
      offerValidityHours: z.number().int().positive().default(72),
      maxReasons: z.number().int().positive().default(4),
      /** Points per characteristic; bins ordered by `upTo`, so the points move the right way. */
      points: z.record(z.string(), z.array(binSchema).min(1)).default({
        worstDpdLast12Months: [
          { upTo: 0, points: 30 },
          { upTo: 7, points: 10 },
          { upTo: 30, points: -15 },
          { points: -40 },
        ],
        inquiriesLast90Days: [
          { upTo: 1, points: 15 },
          { upTo: 3, points: 5 },
          { upTo: 5, points: -10 },
          { points: -25 },
        ],
        activeLoansOtherLenders: [
          { upTo: 0, points: 15 },
          { upTo: 2, points: 5 },
          { upTo: 3, points: -10 },
          { points: -25 },
        ],
        dtiBps: [
          { upTo: 2000, points: 20 },
          { upTo: 3500, points: 10 },
          { upTo: 4500, points: -5 },
          { points: -25 },
        ],
        monthsInCurrentJob: [
          { upTo: 5, points: -15 },
          { upTo: 23, points: 0 },
          { upTo: 59, points: 10 },
          { points: 15 },
        ],
        creditHistoryMonths: [
          { upTo: 11, points: -20 },
          { upTo: 35, points: 0 },
          { upTo: 71, points: 10 },
          { points: 20 },
        ],
        ageYears: [
          { upTo: 21, points: -10 },
          { upTo: 29, points: 0 },
          { upTo: 49, points: 10 },
          { points: 5 },
        ],
        monthlyIncomeFen: [
          { upTo: 300_000, points: -15 },
          { upTo: 800_000, points: 0 },
          { upTo: 2_000_000, points: 10 },
          { points: 20 },
        ],
      }),
      /** Points by employment status, added to the job-tenure points. */
      employmentPoints: z
        .record(z.enum(['employed', 'self_employed', 'unemployed', 'student', 'retired']), z.number().int())
        .default({ employed: 10, self_employed: 0, unemployed: -30, student: -20, retired: -5 }),
    })
    .prefault({}),
  hardship: z
    .object({
      autoGrantReasons: z
        .array(z.enum(['natural_disaster', 'epidemic', 'illness', 'unemployment', 'other']))
        .default(['natural_disaster', 'epidemic', 'illness']),
      maxAutoGrantDpd: z.number().int().default(30),
      maxDeferralDaysPerPlan: z.number().int().positive().default(30),
      maxDeferralDaysLifetime: z.number().int().positive().default(90),
      minMonthsBetweenDeferrals: z.number().int().positive().default(12),
    })
    .prefault({}),
  servicing: z
    .object({
      /** Tries a payment makes while other writers keep changing the loan, before answering `loan_busy`. */
      maxWriteAttempts: z.number().int().positive().default(20),
    })
    .prefault({}),
  api: z
    .object({
      maxBodyBytes: z
        .number()
        .int()
        .positive()
        .default(64 * 1024),
      idempotencyTtlHours: z.number().int().positive().default(24),
      /** Longer than any API function's timeout: a request still in progress after this has died. */
      idempotencyInProgressSeconds: z.number().int().positive().default(60),
      throttleRatePerSecond: z.number().positive().default(50),
      throttleBurst: z.number().int().positive().default(100),
      quotaPerDay: z.number().int().positive().default(100_000),
    })
    .prefault({}),
});

export type Rules = z.infer<typeof rulesSchema>;
export type RulesInput = z.input<typeof rulesSchema>;

/** The defaults of domain-rules.md, validated. */
export const defaultRules: Rules = rulesSchema.parse({});

/**
 * Rules for one product or deployment: the defaults with `overrides` merged section by section,
 * validated again so a bad override fails at start-up, not mid-request.
 */
export function loadRules(overrides: RulesInput = {}): Rules {
  const merged: Record<string, unknown> = { ...defaultRules };
  for (const [section, value] of Object.entries(overrides)) {
    const base = (defaultRules as Record<string, unknown>)[section];
    merged[section] =
      value && typeof value === 'object' && !Array.isArray(value) && base && typeof base === 'object'
        ? { ...base, ...value }
        : value;
  }
  return rulesSchema.parse(merged);
}
