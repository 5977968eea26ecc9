import * as z from 'zod';
import { fenSchema, instantSchema, localDateSchema } from './common.ts';
import { hardshipPlanSchema, loanViewSchema } from './servicing.ts';

/** The desk's view of one loan: the partner's loan view and what the desk works from. */
export const deskLoanViewSchema = loanViewSchema
  .extend({
    partnerId: z.string().meta({ description: 'The partner the loan belongs to.' }),
    hardshipPlans: z.array(hardshipPlanSchema).meta({ description: 'Every plan asked for, oldest first.' }),
    openPromise: z
      .object({
        promiseId: z.string(),
        date: localDateSchema,
        amount: fenSchema,
        madeAt: z.string(),
        source: z.enum(['desk', 'partner']),
      })
      .nullable()
      .meta({ description: 'The promise the ladder waits on until the day after its date, until judged.' }),
    dispute: z
      .object({ since: z.string(), taskId: z.string() })
      .nullable()
      .meta({ description: 'A dispute holding the ladder until a supervisor resolves it.' }),
    brokenPromisesThisEpisode: z
      .number()
      .int()
      .meta({ description: 'From the configured number on (2), promises no longer pause the episode.' }),
    promises: z
      .array(
        z
          .object({
            promiseId: z.string(),
            source: z.enum(['desk', 'partner']),
            date: localDateSchema,
            amount: fenSchema,
            madeAt: z.string(),
            status: z.enum(['open', 'kept', 'broken']),
            judgedOn: localDateSchema.optional(),
            paid: fenSchema.optional(),
          })
          .passthrough(),
      )
      .meta({ description: 'Every promise to pay, oldest first, with its verdict once judged.' }),
    payments: z.array(
      z.object({
        paymentId: z.string(),
        amount: fenSchema,
        paidAt: instantSchema,
        allocations: z.array(z.record(z.string(), z.number())),
        credit: fenSchema,
      }),
    ),
    tasks: z
      .array(
        z.object({
          taskId: z.string().meta({ description: 'For an agent call, the desk’s id (`DeskTask.taskId`).' }),
          type: z.string(),
          queue: z.string(),
          episode: z.number().int(),
          rung: z.string(),
          status: z.enum(['open', 'done']),
          createdAt: z.string(),
          outcome: z.string().optional(),
          completedAt: z.string().optional(),
        }),
      )
      .meta({ description: 'Tasks for people the ladder opened, oldest first.' }),
    contacts: z
      .array(
        z.object({
          at: z.string(),
          installmentNo: z.number().int(),
          stage: z.string(),
          channel: z.enum(['sms', 'email', 'agent', 'legal']),
          status: z.string(),
          failure: z.string().optional(),
        }),
      )
      .meta({ description: 'Every reminder, rung message and task hand-over, oldest first (no address).' }),
  })
  .meta({ id: 'DeskLoan' });
