import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ContactSender } from '#shared/ports/contact.ts';

/** SMS by SNS Publish to the E.164 number (transactional, with the sender id); email through SES. */
export class SnsSesSender implements ContactSender {
  constructor(
    private readonly sns: SNSClient,
    private readonly ses: SESv2Client,
  ) {}

  async sendSms(to: string, body: string, senderId: string): Promise<string> {
    const out = await this.sns.send(
      new PublishCommand({
        PhoneNumber: to,
        Message: body,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: senderId },
        },
      }),
    );
    return out.MessageId ?? '';
  }

  async sendEmail(to: string, subject: string, body: string, from: string): Promise<string> {
    const out = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: [to] },
        Content: {
          Simple: {
            Subject: { Data: subject, Charset: 'UTF-8' },
            Body: { Text: { Data: body, Charset: 'UTF-8' } },
          },
        },
      }),
    );
    return out.MessageId ?? '';
  }
}
