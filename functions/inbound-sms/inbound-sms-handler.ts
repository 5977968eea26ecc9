import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import * as z from 'zod';
import { handleInboundSms, type InboundSmsDeps } from '#shared/reminders/inbound-sms.ts';
import { parseJsonOrUndefined } from '#shared/schemas/common.ts';

/**
 * The two-way SMS payload SNS delivers for a reply to the sender number (only the fields used). The
 * carrier's `inboundMessageId` names the message; without it, SNS's own message id (the same on redelivery).
 */
const inboundSchema = z.object({
  originationNumber: z.string(),
  messageBody: z.string(),
  inboundMessageId: z.string().min(1).optional(),
});

export function createInboundSmsHandler(deps: InboundSmsDeps) {
  return middy(async (event: SNSEvent) => {
    let optedOut = 0;
    let complaints = 0;
    for (const record of event.Records) {
      const parsed = inboundSchema.safeParse(parseJsonOrUndefined(record.Sns.Message));
      if (!parsed.success) continue; // not a reply we understand: nothing to do, nothing to retry
      const handled = await handleInboundSms(deps, {
        messageId: parsed.data.inboundMessageId ?? record.Sns.MessageId,
        from: parsed.data.originationNumber,
        body: parsed.data.messageBody,
      });
      optedOut += handled.optedOut;
      complaints += handled.complaints;
    }
    return { optedOut, complaints };
  });
}
