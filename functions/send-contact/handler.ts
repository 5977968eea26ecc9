import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LoggedContactLog } from '#shared/adapters/aws/logged-contact-log.ts';
import { SnsSesSender } from '#shared/adapters/aws/sns-ses-sender.ts';
import { intervalPacer } from '#shared/adapters/interval-pacer.ts';
import { awsAppDeps } from '#shared/wiring/aws-app-deps.ts';
import { contactQueueUrlFromEnv } from '#shared/wiring/function-env.ts';
import { createSendContactHandler } from './send-contact-handler.ts';

const deps = await awsAppDeps();
const traced = <T>(client: T): T => deps.tracer?.captureAWSv3Client(client) ?? client;

export const handler = createSendContactHandler({
  ...deps,
  sender: new SnsSesSender(traced(new SNSClient({})), traced(new SESv2Client({}))),
  log: new LoggedContactLog(deps.logger, deps.metrics),
  sqs: traced(new SQSClient({})),
  // This container's share of the carriers' rates (the event source runs at most senderMaxConcurrency).
  pace: intervalPacer({
    sms: deps.rules.contact.smsPerSecond / deps.rules.contact.senderMaxConcurrency,
    email: deps.rules.contact.emailPerSecond / deps.rules.contact.senderMaxConcurrency,
  }),
  queueUrl: contactQueueUrlFromEnv(),
});
