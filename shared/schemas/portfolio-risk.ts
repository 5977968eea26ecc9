import * as z from 'zod';
import { daysBetween } from '#shared/lending/calendar.ts';
import type { PortfolioSnapshot } from '#shared/lending/portfolio-snapshot.ts';
import { externalIdSchema, localDateSchema } from './common.ts';

/** The ops API's portfolio view: the daily snapshots the ageing job stored, over a range of dates. */

/** A year and a day at most: one Query of one small item a day. */
export const MAX_PORTFOLIO_RANGE_DAYS = 366;

export const portfolioQuerySchema = z
  .strictObject({ from: localDateSchema, to: localDateSchema, partnerId: externalIdSchema.optional() })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'to must not be before from' })
  .refine((q) => q.from > q.to || daysBetween(q.from, q.to) < MAX_PORTFOLIO_RANGE_DAYS, {
    path: ['to'],
    message: `at most ${MAX_PORTFOLIO_RANGE_DAYS} days`,
  });
export type PortfolioQuery = z.infer<typeof portfolioQuerySchema>;

const fen = z.number().int();
const bucketFigures = z.object({ loans: z.number().int(), outstanding: fen });
const figures = z
  .object({
    loans: z.number().int(),
    outstanding: fen.meta({ description: 'Outstanding principal of active loans, fen' }),
    buckets: z
      .record(z.string(), bucketFigures)
      .meta({ description: 'By bucket (current, M1, M2, M3, M3+)' }),
    nplOutstanding: fen,
    nplRatioBps: z.number().int().meta({ description: 'Outstanding at 90+ DPD over all outstanding, bps' }),
    chargedOff: bucketFigures.meta({ description: 'Loans and principal charged off since the totals began' }),
    recoveries: fen.meta({ description: 'Payments on loans at 30+ DPD since the totals began, fen' }),
  })
  .meta({ id: 'PortfolioFigures' });
const concentrationFigure = z.object({
  kind: z.enum(['partner', 'province']),
  key: z.string(),
  outstanding: fen,
  shareBps: z.number().int(),
  limitBps: z.number().int(),
  over: z.boolean(),
});

export const portfolioSnapshotSchema = z
  .object({
    date: z.string(),
    total: figures,
    partners: z.record(z.string(), figures),
    provinces: z.record(z.string(), bucketFigures),
    transitions: z.record(z.string(), z.number().int()),
    rollRates: z.array(
      z.object({
        from: z.string(),
        to: z.string(),
        loans: z.number().int(),
        rolled: z.number().int(),
        rateBps: z.number().int().nullable(),
      }),
    ),
    vintages: z.array(
      z.object({ month: z.string(), booked: z.number().int(), delinquentBps: z.array(z.number().int()) }),
    ),
    day: z.object({ chargedOff: bucketFigures, recoveries: fen }).optional(),
    concentration: z.object({
      tier1CapitalFen: fen,
      figures: z.array(concentrationFigure),
      warnings: z.array(concentrationFigure),
    }),
  })
  .meta({ id: 'PortfolioSnapshot' });

export const portfolioPageSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    partnerId: z.string().optional(),
    snapshots: z.array(portfolioSnapshotSchema),
  })
  .meta({ id: 'PortfolioSnapshots' });

// The stored snapshot and the documented one cannot drift apart.
type Documented = z.infer<typeof portfolioSnapshotSchema>;
export const snapshotIsDocumented = (s: PortfolioSnapshot): Documented => s;
