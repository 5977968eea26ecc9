import type { ContactJob, ContactLine } from '#shared/schemas/contact-job.ts';

/** Where the sweep leaves contact jobs (SQS on AWS, the simulator's queue locally). */
export interface ContactQueue {
  enqueue(jobs: ContactJob[]): Promise<void>;
}

/** The carrier: SNS for SMS, SES for email on AWS; an outbox locally. Returns the carrier's message id. */
export interface ContactSender {
  sendSms(to: string, body: string, senderId: string): Promise<string>;
  sendEmail(to: string, subject: string, body: string, from: string): Promise<string>;
}

/** Every contact decision, for audit (contacts.jsonl locally; structured logs on AWS). Carries masked addresses only. */
export interface ContactLog {
  record(lines: ContactLine[]): Promise<void>;
}
