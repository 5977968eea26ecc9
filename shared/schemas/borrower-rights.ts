import * as z from 'zod';
import { externalIdSchema } from './common.ts';

/** The ops API's borrowers' rights (PIPL Art. 45, 47): an export and an erasure, supervisors only. */

export const borrowerParamsSchema = z.strictObject({ borrowerId: externalIdSchema });

/** Why the supervisor acts (the person's request, its reference): audited, free of personal data. */
const reasonSchema = z.string().min(1).max(500);

export const exportBorrowerQuerySchema = z.strictObject({
  partnerId: externalIdSchema,
  reason: reasonSchema,
});
export type ExportBorrowerQuery = z.infer<typeof exportBorrowerQuerySchema>;

export const eraseBorrowerRequestSchema = z.strictObject({
  partnerId: externalIdSchema,
  reason: reasonSchema,
});
export type EraseBorrowerRequest = z.infer<typeof eraseBorrowerRequestSchema>;

export const borrowerExportSchema = z
  .object({
    exportedAt: z.string(),
    person: z
      .object({
        partnerId: z.string(),
        borrowerId: z.string(),
        name: z.string().optional(),
        phone: z.string().optional(),
        email: z.string().optional(),
        erasedAt: z.string().optional(),
      })
      .passthrough()
      .meta({ description: 'The borrower record, its name, phone and email decrypted.' }),
    applications: z.array(z.record(z.string(), z.unknown())).meta({ description: 'The stored decisions.' }),
    loans: z
      .array(
        z.object({
          loan: z.record(z.string(), z.unknown()),
          installments: z.array(z.record(z.string(), z.unknown())),
          payments: z.array(z.record(z.string(), z.unknown())),
          tasks: z.array(z.record(z.string(), z.unknown())),
          promises: z.array(z.record(z.string(), z.unknown())),
          contacts: z.array(z.record(z.string(), z.unknown())),
        }),
      )
      .meta({
        description: 'Each loan with its schedule, payments, desk tasks, promises and contact lines.',
      }),
  })
  .meta({ id: 'BorrowerExport' });

export const borrowerErasureSchema = z
  .object({
    partnerId: z.string(),
    borrowerId: z.string(),
    erasedAt: z.string(),
    kept: z
      .object({
        applications: z.number().int(),
        loans: z.number().int(),
        payments: z.number().int(),
        contacts: z.number().int(),
      })
      .meta({ description: 'What stays for the retention duties, counted.' }),
  })
  .meta({ id: 'BorrowerErasure' });
