import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SnsEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { defaultRules } from '#shared/config/rules.ts';
import { TABLE_ACCESS } from '#shared/storage/table-access.ts';
import { grantFieldCipher, grantTableAccess } from './data.ts';
import { DuebellFunction } from './node-function.ts';
import { opsAlarm } from './ops-alarm.ts';

/** The sender's timeout: longer than the ledger claim's lease (`claimLeaseSeconds`, 30 s) it holds. */
export const SENDER_TIMEOUT_SECONDS = 40;

export interface ContactQueueProps {
  /** Path of the sender's handler module (`functions/send-contact/handler.ts`). */
  readonly senderEntry: string;
  /** Path of the inbound SMS handler module (`functions/inbound-sms/handler.ts`). */
  readonly inboundSmsEntry: string;
  /** The table both functions read and write. */
  readonly table: Table;
  /** The bus the sender publishes `ContactSuppressed` and its other events on. */
  readonly bus: IEventBus;
  /** The key the sender decrypts phone numbers and emails with. */
  readonly fieldKey: IKey;
  /** The key the inbound SMS topic is encrypted with: its policy must let the SMS service use it (`OpsTopic.key`). */
  readonly topicKey: IKey;
  /** The HMAC key inbound SMS hashes the replying number with. */
  readonly identityHmacSecret: ISecret;
  /** Environment every function shares (table, bus, partners, rules); `CONTACT_QUEUE_URL` is added. */
  readonly environment: Record<string, string>;
  /** Where the dead-letter alarm goes. */
  readonly opsTopic: ITopic;
  /**
   * Sender Lambdas working the queue at once (the SQS event source's maximum concurrency), to keep sends
   * under the SMS sender's rate.
   * @default defaultRules.contact.senderMaxConcurrency (5)
   */
  readonly senderMaxConcurrency?: number;
  /**
   * SES identity the reminder emails are sent from.
   * @default - any SES identity of the account in this region
   */
  readonly emailIdentityArn?: string;
}

/**
 * Contact delivery: the SQS queue of contact jobs (a DLQ after 10 receives, with an alarm), the sender
 * that consumes it in batches of 10 with bounded concurrency and partial batch failures and sends through
 * SNS (SMS) and SES (email), and the encrypted topic that brings inbound SMS replies to the opt-out handler.
 */
export class ContactQueue extends Construct {
  /** Where the daily sweep queues contact jobs. */
  readonly queue: Queue;
  readonly deadLetters: Queue;
  readonly sender: NodejsFunction;
  readonly inboundSms: NodejsFunction;
  /** Where the SMS carrier delivers replies (two-way SMS). */
  readonly inboundTopic: Topic;

  constructor(scope: Construct, id: string, props: ContactQueueProps) {
    super(scope, id);
    const queueDefaults = { enforceSSL: true, encryption: QueueEncryption.SQS_MANAGED } as const;
    this.deadLetters = new Queue(this, 'DeadLetters', {
      ...queueDefaults,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      ...queueDefaults,
      // Six times the sender's timeout, as Lambda's SQS integration asks.
      visibilityTimeout: Duration.seconds(6 * SENDER_TIMEOUT_SECONDS),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 10 },
    });
    const environment = { ...props.environment, CONTACT_QUEUE_URL: this.queue.queueUrl };

    this.sender = new DuebellFunction(this, 'send-contact-fn', {
      entry: props.senderEntry,
      environment,
      timeout: Duration.seconds(SENDER_TIMEOUT_SECONDS),
    }).function;
    grantTableAccess(props.table, this.sender, TABLE_ACCESS['send-contact']);
    // The sender alone decrypts addresses: phones and emails, never names.
    grantFieldCipher(props.fieldKey, this.sender, 'kms:Decrypt', ['phone', 'email']);
    this.sender.addEnvironment('FIELD_KEY_ID', props.fieldKey.keyArn);
    // SMS to a phone number (not a topic) has no ARN to scope sns:Publish to; only the sender gets it.
    this.sender.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    this.sender.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          props.emailIdentityArn ??
            `arn:aws:ses:${Stack.of(this).region}:${Stack.of(this).account}:identity/*`,
        ],
      }),
    );
    Validations.of(this.sender).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'SNS Publish to a phone number (direct SMS) has no resource ARN to scope to; the statement allows sns:Publish only.',
    });
    if (!props.emailIdentityArn) {
      Validations.of(this.sender).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::arn:aws:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
        reason:
          'SES identities of this account and region only; set emailIdentityArn to pin the one sending identity.',
      });
    }
    this.sender.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxConcurrency: props.senderMaxConcurrency ?? defaultRules.contact.senderMaxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    this.inboundSms = new DuebellFunction(this, 'inbound-sms-fn', {
      entry: props.inboundSmsEntry,
      environment,
    }).function;
    grantTableAccess(props.table, this.inboundSms, TABLE_ACCESS['inbound-sms']);
    // Inbound SMS alone hashes the replying number to find every borrower using it.
    props.identityHmacSecret.grantRead(this.inboundSms);
    this.inboundSms.addEnvironment('IDENTITY_HMAC_SECRET_ARN', props.identityHmacSecret.secretArn);
    // A reply that is not an opt-out is a complaint: its text is sealed before it is stored.
    grantFieldCipher(props.fieldKey, this.inboundSms, 'kms:Encrypt', ['complaintText']);
    this.inboundSms.addEnvironment('FIELD_KEY_ID', props.fieldKey.keyArn);
    this.inboundTopic = new Topic(this, 'InboundSms', { enforceSSL: true, masterKey: props.topicKey });
    this.inboundSms.addEventSource(new SnsEventSource(this.inboundTopic));

    opsAlarm(this, 'DeadLettersAlarm', {
      description: 'Contact jobs failed 10 times and wait in the DLQ',
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      opsTopic: props.opsTopic,
    });
  }
}
