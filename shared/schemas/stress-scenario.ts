import * as z from 'zod';
import { localDateSchema } from './common.ts';

const share = z.number().min(0).max(1);
const bps = z.number().int().min(0).max(10_000);

/**
 * A stress scenario for `duebell stress` (Basel Committee stress-testing principles, 2018): shocks to
 * the book's behaviour from a date, applied to the portfolio file deterministically from the seed.
 */
export const stressScenarioSchema = z
  .strictObject({
    name: z.string().max(200).optional(),
    /** Shocks touch payments, hardship and applications from this lender-time date on. */
    from: localDateSchema,
    /** Share of borrowers (exactly, rounded) who make no payment from `from` on. */
    missShare: share.default(0),
    /** Share of the other borrowers whose payments from `from` on arrive `days` later. */
    late: z.strictObject({ share, days: z.number().int().min(1).max(365) }).optional(),
    /** A regional disaster: a share of the province's loans ask for a deferral on `on` (default `from`). */
    disaster: z
      .strictObject({
        province: z.string().regex(/^\d{2}$/, 'a 2-digit province code'),
        on: localDateSchema.optional(),
        hardshipShare: share,
        deferralDays: z.number().int().min(1).max(365),
        reason: z.enum(['natural_disaster', 'epidemic']).default('natural_disaster'),
      })
      .optional(),
    /** The rate cap's mode in the shocked run (`rules.rateCap.mode`); the whole run, see README. */
    rateCapMode: z.enum(['fixed', 'lpr4x']).optional(),
    /** What the comparison assumes; each a lender's assumption, not a rule. */
    assumptions: z
      .strictObject({
        /** One SMS, fen (a domestic bulk SMS costs ¥0.03–0.05). */
        smsPriceFen: z.number().int().min(0).default(5),
        /** Loss given default (Basel foundation IRB, senior unsecured: 45 %). */
        lgdBps: bps.default(4_500),
        /** Probability of default by bucket (lender assumption; M3+ is in default). */
        pdBps: z
          .record(z.string(), bps)
          .default({ current: 200, M1: 2_000, M2: 5_000, M3: 7_500, 'M3+': 10_000 }),
      })
      .prefault({}),
  })
  .refine((s) => s.missShare + (s.late?.share ?? 0) <= 1, {
    path: ['late', 'share'],
    message: 'missShare and late.share together are at most 1',
  });

export type StressScenario = z.infer<typeof stressScenarioSchema>;
