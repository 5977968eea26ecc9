import * as z from 'zod';
import type { Language } from '#shared/config/languages.ts';

/** One message to send: a borrower, a stage, a channel, and the installments it covers (consolidated). */
export const contactJobSchema = z.object({
  jobId: z.string(),
  businessDate: z.string(),
  partnerId: z.string(),
  borrowerId: z.string(),
  stage: z.string(),
  offsetDays: z.number().int(),
  channel: z.enum(['sms', 'email']),
  items: z
    .array(z.object({ loanId: z.string(), installmentNo: z.number().int().positive(), dueDate: z.string() }))
    .min(1),
  /** A rung's message: the escalation episode it belongs to (absent for reminders). */
  episode: z.number().int().positive().optional(),
  /** How many times the carrier has throttled this job so far (its backoff grows with it). */
  throttled: z.number().int().min(0).optional(),
});
export type ContactJob = z.infer<typeof contactJobSchema>;

/** A line of contacts.jsonl: one contact decision for one loan. */
export interface ContactLine {
  at: string;
  borrowerId: string;
  loanId: string;
  installmentNo: number;
  stage: string;
  channel: 'sms' | 'email' | 'agent' | 'legal';
  to: string;
  templateId: string;
  language: Language;
  status: 'sent' | 'deferred' | 'suppressed';
  reason?: string;
  /** The carrier's id of the message a sent line went out in: one message may cover several loans. */
  messageId?: string;
}
