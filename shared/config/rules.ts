import * as z from 'zod';

/**
 * Every lending and collection default, in one typed place, each with its source.
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

const rungSchema = z.object({
  id: z.string(),
  offsetDays: z.number().int().positive(),
  /** Automated messages of the rung; with all of them opted out, an agent task instead. */
  channels: z.array(z.enum(['sms', 'email'])).prefault([]),
  /** A task for a person: an agent's call, or legal review / referral. */
  task: z.enum(['agent_call', 'legal_review', 'legal_referral']).optional(),
  /** A change of the loan's standing the rung makes (each once). */
  transition: z.enum(['non_performing', 'charged_off']).optional(),
});

/** The default ladder (see `collection.ladder`). */
const defaultLadder: z.input<typeof rungSchema>[] = [
  { id: 'D+4', offsetDays: 4 },
  { id: 'D+7', offsetDays: 7, channels: ['sms', 'email'] },
  { id: 'D+15', offsetDays: 15, task: 'agent_call' },
  { id: 'D+30', offsetDays: 30, channels: ['sms', 'email'], task: 'legal_review' },
  { id: 'D+60', offsetDays: 60, task: 'legal_referral' },
  { id: 'D+90', offsetDays: 90, transition: 'non_performing' },
  { id: 'D+120', offsetDays: 120, transition: 'charged_off' },
];

export const rulesSchema = z.object({
  /** The lender's zone: due dates are calendar dates here, and the daily jobs run on its clock. */
  timezone: z.string().default('Asia/Shanghai'),
  money: z
    .object({
      /** Day count for daily penalty interest (actual/365, the PBOC convention for RMB loans). */
      dayCountBasis: z.number().int().positive().default(365),
    })
    .prefault({}),
  rateCap: z
    .object({
      /** `fixed` for platform consumer lending; `lpr4x` for deployments under the private-lending rules. */
      mode: z.enum(['fixed', 'lpr4x']).default('fixed'),
      /** 24 % all-in: the line for consumer lending through platforms (commentary on NFRA 金规〔2025〕9号); binds interest, penalty and fees together. */
      aprCapBps: bps.default(2400),
      /** 4 × the one-year LPR on the contract date (SPC private-lending rules, 2020 revision, Art. 25, 28, 29). */
      lprMultiple: z.number().int().positive().default(4),
      /** One-year LPR as published by the PBOC's National Interbank Funding Center, newest last; the entry in force on the contract date applies. */
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
      /** DPD counts only while the unpaid amount exceeds this (lender policy: rounding never makes a loan delinquent). */
      arrearsToleranceFen: fen.default(100),
      /** Late but not delinquent: no penalty, no escalation, reminders continue (lender policy). */
      graceDays: z.number().int().min(0).default(3),
      /** Penalty APR is this share (bps of the contract APR), bounded by the cap headroom: the cap binds penalty too (SPC private-lending rules Art. 29). */
      penaltyShareOfAprBps: bps.default(5000),
      /** Ageing buckets: current, M1 1–30, M2 31–60, M3 61–90, M3+ over 90 (industry convention). */
      buckets: z.array(z.object({ name: z.string(), maxDpd: z.number().int().nullable() })).default([
        { name: 'current', maxDpd: 0 },
        { name: 'M1', maxDpd: 30 },
        { name: 'M2', maxDpd: 60 },
        { name: 'M3', maxDpd: 90 },
        { name: 'M3+', maxDpd: null },
      ]),
      /** Basel default definition: 90 days past due. */
      nonPerformingDpd: z.number().int().positive().default(90),
      /** FFIEC Uniform Retail Credit Classification policy: closed-end retail loans at 120 DPD. */
      chargeOffDpd: z.number().int().positive().default(120),
    })
    .prefault({}),
  schedule: z
    .object({
      /** Terms offered: 1–24 months, a single-period bullet at most 12 (product policy). */
      minTermMonths: z.number().int().positive().default(1),
      maxTermMonths: z.number().int().positive().default(24),
      maxBulletTermMonths: z.number().int().positive().default(12),
      /**
       * Shards of the due-date index: one busy date's writes (booking, payments on the day) spread over
       * this many partition keys (about 1,000 writes/s each). Each costs a query per swept date, rounded
       * up to half a read unit, so more shards than the write rate needs only add read cost. Raise it on
       * a live table, never lower it: written installments keep their shard, the sweep reads only these.
       */
      dueIndexShards: z.number().int().min(1).max(100).default(4),
    })
    .prefault({}),
  contact: z
    .object({
      /**
       * Contact window in the borrower's zone: no collection 22:00–08:00 (NIFA guideline of 15 May 2024,
       * GB/T 45251-2025, CBA guideline of 30 Jan 2026); not before 8:00 or after 21:00 (US Reg F §1006.6(b)(1)(i)).
       */
      windowStart: hhmm.default('08:00'),
      windowEnd: hhmm.default('21:00'),
      /** The daily sweep's local time: reminders go out at 09:00, inside the window. */
      sweepAt: hhmm.default('09:00'),
      /** Per borrower per local day, all loans together (lender policy under the CBA 2026 guideline on frequency). */
      maxSmsPerBorrowerPerDay: z.number().int().min(0).default(2),
      maxEmailsPerBorrowerPerDay: z.number().int().min(0).default(2),
      /** From D+4, per loan, any channel, in any rolling 7 days (US Reg F §1006.14(b)(2), the stricter model). */
      maxContactsPerLoanPer7Days: z.number().int().min(0).default(7),
      /** Agent call tasks per borrower per day (NIFA 2024: at most 3 connected calls a day). */
      maxAgentTasksPerBorrowerPerDay: z.number().int().min(0).default(3),
      /** Inbound SMS that opt out at once (Reg F §1006.14(h); TCPA 2025 revocation rules; 退订 and TD by carrier practice). */
      optOutKeywords: z
        .array(z.string())
        .default(['STOP', 'QUIT', 'END', 'REVOKE', 'OPT OUT', 'CANCEL', 'UNSUBSCRIBE', 'TD', '退订']),
      /** Contact records are kept 5 years, then deleted (NIFA 2018). */
      recordRetentionYears: z.number().int().positive().default(5),
      /** Reminder stages the daily sweep finds through the due-date index (stage ids are part of the contact-line contract). */
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
      /** A sender holds a claim this long (shorter than its 40 s timeout); after it, a retry may claim and send again. */
      claimLeaseSeconds: z.number().int().positive().default(30),
      /**
       * A sweep slice is held this long by the invocation working it, renewed after each page; a slice
       * whose holder died is taken over once it runs out. Shorter than the slice function's timeout (90 s).
       */
      sweepSliceLeaseSeconds: z.number().int().positive().default(75),
      /** Work a slice invocation does before it hands the rest of its slice on (the function times out at 90 s). */
      sweepSliceBudgetSeconds: z.number().int().positive().default(60),
      /** Due-index items a slice reads a page (its jobs are queued and its checkpoint stored after each). */
      sweepPageSize: z.number().int().min(10).max(1000).default(200),
      /** How many missed business dates the next sweep catches up (overdue stages sent; missed pre-due ones recorded). */
      sweepCatchUpDays: z.number().int().min(0).max(31).default(7),
      /** Sender Lambdas working the queue at once: each paces to its share of the carriers' rates below. */
      senderMaxConcurrency: z.number().int().min(2).max(1000).default(5),
      /** What all senders together may send: the SMS carrier's rate (SNS's default account rate is 20/s). */
      smsPerSecond: z.number().positive().default(20),
      /** The email carrier's rate (SES's default sending rate is 14/s). */
      emailPerSecond: z.number().positive().default(14),
      smsSenderId: z.string().max(11).default('Duebell'),
      emailFrom: z.string().default('reminders@duebell.example'),
    })
    .prefault({}),
  collection: z
    .object({
      /**
       * The escalation ladder after grace, one Step Functions state per rung, each at its day past the oldest
       * unpaid installment's due date (lender time, at `contact.sweepAt`). Stage ids are part of the contract.
       * D+90 non-performing (Basel default definition); D+120 charge-off (FFIEC retail classification policy).
       */
      ladder: z.array(rungSchema).min(1).prefault(defaultLadder),
      /** The daily ageing job's local time: after midnight, before the sweep. */
      ageingAt: hhmm.default('06:00'),
      /** Queue names of the tasks for people (what contact lines show as `to`). */
      agentQueueName: z.string().default('duebell-agent-tasks'),
      legalQueueName: z.string().default('duebell-legal-tasks'),
      /** Shards of the ageing index of loans with something unpaid (write spread, as the due-date index). */
      ageingIndexShards: z.number().int().min(1).max(100).default(4),
      /** A complaint is answered within this many business days (CBA 2026 guideline on complaint handling). */
      complaintAnswerBusinessDays: z.number().int().min(1).default(1),
      /**
       * How long an agent holds a claimed desk task before another agent may take it (lender policy: one
       * call and its notes fit in it; an agent who needs longer claims again).
       */
      deskClaimLeaseMinutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .default(30),
      /** A promise to pay is dated at most this many days ahead (domain rules, "Collection desk"). */
      promiseMaxDaysAhead: z.number().int().min(0).default(14),
      /** After this many broken promises in an episode, promises no longer pause it (domain rules, "Collection desk"). */
      brokenPromisesEndPause: z.number().int().min(0).default(2),
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
      /** Scaling: 600 points at 50:1 good:bad odds, 20 points to double the odds (Siddiqi, Credit Risk Scorecards, ch. 10). */
      basePoints: z.number().default(600),
      baseOdds: z.number().positive().default(50),
      pointsToDoubleOdds: z.number().positive().default(20),
      /** A ≥ 680, B 640–679, C 600–639, D 560–599, E below (lender policy). */
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
      /** Risk-based pricing by grade, never above the cap (lender policy). */
      gradeAprBps: z.record(z.enum(['A', 'B', 'C']), bps).default({ A: 1000, B: 1400, C: 1800 }),
      /** Age gate: adults only (Civil Code Art. 17), and a policy ceiling of 65. */
      minAge: z.number().int().default(18),
      maxAge: z.number().int().default(65),
      /** Declines at this many active loans with other lenders or more. */
      multiLendingDeclineAt: z.number().int().default(5),
      /** Declines at this many inquiries in 90 days or more. */
      inquiryDeclineAt: z.number().int().default(8),
      /** Declines when debt-to-income after the new installment is above this. */
      maxDtiBps: bps.default(5500),
      /** Declines when the bureau shows this many days past due or more in 12 months (the Basel default line). */
      severeDelinquencyDpd: z.number().int().default(90),
      /** Offers are at most 6 × monthly income and ¥200,000 (internet-lending practice under CBIRC 2020 No. 9's per-borrower limits). */
      maxOfferIncomeMultiple: z.number().int().positive().default(6),
      maxOfferFen: fen.default(20_000_000),
      /** Below ¥500 an offer is declined as not worth booking (lender policy). */
      minOfferFen: fen.default(50_000),
      offerValidityHours: z.number().int().positive().default(72),
      /** Up to 4 principal reasons, most important first (Reg B §1002.9 practice). */
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
  earlyWarning: z
    .object({
      /**
       * A loan leaves the watchlist once it has been current (nothing past due) this many days in a row:
       * three monthly cycles, as the observation period of a cured exposure runs at least 3 months (EBA
       * GL/2016/07 ¶71 on the definition of default; lender policy).
       */
      clearAfterCurrentDays: z.number().int().positive().default(90),
      /**
       * `OVERDUE_ELSEWHERE` is looked for while a loan is at most this many days past due: its first day
       * past due, with room for ageing runs a failure skipped (the signal is once per spell either way).
       */
      overdueElsewhereWithinDays: z.number().int().positive().default(7),
    })
    .prefault({}),
  behaviour: z
    .object({
      /**
       * The behaviour score per person, across partners, on the application scale (600 at 50:1, PDO 20, graded
       * by `scoring.grades`): post-loan monitoring updates the score and adjusts or suspends credit (CBIRC 2020
       * No. 9; seed: 定期更新其信用评分，并根据评分结果调整授信额度或暂停新增融资). Points are lender policy.
       */
      basePoints: z.number().default(600),
      /** Worst days late in the last `lookbackMonths` (paid late, or still unpaid), across the person's loans. */
      lookbackMonths: z.number().int().positive().default(6),
      points: z
        .object({
          worstDpd: z.array(binSchema).min(1),
          onTimeStreak: z.array(binSchema).min(1),
          partialPayments: z.array(binSchema).min(1),
          brokenPromises: z.array(binSchema).min(1),
          monthsOnBook: z.array(binSchema).min(1),
        })
        .default({
          worstDpd: [
            { upTo: 0, points: 40 },
            { upTo: 7, points: 10 },
            { upTo: 30, points: -30 },
            { points: -80 },
          ],
          onTimeStreak: [
            { upTo: 0, points: -10 },
            { upTo: 2, points: 0 },
            { upTo: 5, points: 15 },
            { points: 30 },
          ],
          partialPayments: [{ upTo: 0, points: 10 }, { upTo: 1, points: -10 }, { points: -25 }],
          brokenPromises: [{ upTo: 0, points: 10 }, { upTo: 1, points: -30 }, { points: -60 }],
          monthsOnBook: [
            { upTo: 2, points: -10 },
            { upTo: 11, points: 0 },
            { upTo: 23, points: 10 },
            { points: 20 },
          ],
        }),
      /** Credit limit across partners = 6 × monthly income × the grade's factor (domain rules, lender policy). */
      limitIncomeMultiple: z.number().int().positive().default(6),
      gradeFactorBps: z
        .record(z.enum(['A', 'B', 'C', 'D', 'E']), bps)
        .default({ A: 10_000, B: 8_000, C: 6_000, D: 3_000, E: 0 }),
      /** A broken promise suspends new credit for 90 days (domain rules). */
      suspendDaysAfterBrokenPromise: z.number().int().positive().default(90),
    })
    .prefault({}),
  hardship: z
    .object({
      /** Reasons granted without review: disasters, epidemics, illness (relief practice; others go to ops). */
      autoGrantReasons: z
        .array(z.enum(['natural_disaster', 'epidemic', 'illness', 'unemployment', 'other']))
        .default(['natural_disaster', 'epidemic', 'illness']),
      /** Auto-grant limits: DPD ≤ 30, up to 30 days a plan, 90 days per loan, one deferral in 12 months (lender policy). */
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
      /** Request bodies over 64 KiB are refused (413), the size WAF inspects in full. */
      maxBodyBytes: z
        .number()
        .int()
        .positive()
        .default(64 * 1024),
      /** How long an `Idempotency-Key` answers with the first response (common API practice: 24 hours). */
      idempotencyTtlHours: z.number().int().positive().default(24),
      /**
       * A request's hold on its `Idempotency-Key`: a retry after this takes it over. Shorter than the API
       * functions' 29 s timeout, so a request that died is retried within its own gateway timeout's reach
       * (the writes behind a key are idempotent themselves, so a slow first try taken over does no harm).
       */
      idempotencyInProgressSeconds: z.number().int().positive().default(25),
      /** Per-partner usage plan: steady rate, burst and daily quota (a partner's share of the API). */
      throttleRatePerSecond: z.number().positive().default(50),
      throttleBurst: z.number().int().positive().default(100),
      quotaPerDay: z.number().int().positive().default(100_000),
      /**
       * How long a function trusts what it read of the partner directory: a disabled partner or a retired
       * key is refused within this time of the change, without a redeploy (one GetItem per key per minute).
       */
      partnerCacheSeconds: z.number().int().min(0).default(60),
      /** After a key rotation the old key keeps working this long, so a partner can roll its new key out. */
      keyRotationGraceHours: z.number().int().min(0).default(24),
    })
    .prefault({}),
  /** The desk's supervisor actions (domain rules, "Collection desk"). */
  supervision: z
    .object({
      /**
       * Restructuring: once per loan, at most 12 more months than the contract, 36 months in all; then
       * observed for at least 12 months and two repayments in a row (商业银行金融资产风险分类办法 2023, Art. 20).
       */
      restructureMaxExtraMonths: z.number().int().min(0).default(12),
      restructureMaxTotalTermMonths: z.number().int().positive().default(36),
      observationMonths: z.number().int().positive().default(12),
      observationRepayments: z.number().int().positive().default(2),
      /** A waiver takes at most this share of the contract interest due (lender policy: 50%). */
      maxInterestWaiverBps: z.number().int().min(0).max(10_000).default(5_000),
      /** A bulk deferral names at most this many loans (one request, one function's time). */
      bulkDeferralMaxLoans: z.number().int().positive().default(1_000),
      /** Loans a bulk deferral changes at once (each its own transaction). */
      bulkDeferralConcurrency: z.number().int().positive().default(16),
      /** Shards of the province index of active loans (write spread, as the ageing index). */
      provinceIndexShards: z.number().int().min(1).max(100).default(4),
    })
    .prefault({}),
  portfolio: z
    .object({
      /**
       * Shards of the running portfolio totals: every booking, payment and transition adds to one shard
       * (chosen by loan id) in its own transaction, so concurrent writes seldom meet on one item.
       */
      counterShards: z.number().int().min(1).max(100).default(16),
      /** Roll rates compare each bucket with the one a loan was in this many days before (domain rules: t−30). */
      rollRateDays: z.number().int().positive().default(30),
      /** Vintage curves count a booking month's loans that ever reached this many days past due ("30+"). */
      vintageDpd: z.number().int().positive().default(30),
      /** Recoveries are payments on loans this many days past due or more (domain rules: ≥ 30 DPD). */
      recoveryDpd: z.number().int().positive().default(30),
      /**
       * The lender's tier 1 capital, against which concentration is judged. A deployment sets its own; the
       * default (¥10 million) is a small lender's placeholder so the demo book shows the warning.
       */
      tier1CapitalFen: fen.default(1_000_000_000),
      /** Outstanding through one partner above this share of tier 1 capital warns (CBIRC 2021 No. 24: 25 %). */
      partnerLimitBps: bps.default(2_500),
      /**
       * Outstanding of borrowers from one province above this share of tier 1 capital warns. No regulation
       * sets one for internet loans; 20 % is lender policy, so one region's disaster cannot take more.
       */
      provinceLimitBps: bps.default(2_000),
    })
    .prefault({}),
});

export type Rules = z.infer<typeof rulesSchema>;
export type RulesInput = z.input<typeof rulesSchema>;

/**
 * The defaults, validated. Marked pure so bundlers drop it where it is unused: a Lambda loads its rules
 * with `loadRules`, and this parse would be a second one at every cold start.
 */
export const defaultRules: Rules = /* @__PURE__ */ rulesSchema.parse({});

/**
 * Rules for one product or deployment: the defaults with `overrides` merged section by section,
 * validated again so a bad override fails at start-up, not mid-request. A section's fields an override
 * leaves out take the schema's defaults, which is that merge in one parse. The parse runs once per
 * process, so it skips zod's compiled fast path (compiling it costs more than it saves here).
 */
export function loadRules(overrides: RulesInput = {}): Rules {
  return rulesSchema.parse(overrides, { jitless: true });
}
