import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { ContactQueue, type ContactQueueProps } from '../../infra/constructs/contact-queue.ts';
import {
  actionsOf,
  actionsOn,
  arnOf,
  bareStack,
  environmentOf,
  expectSslOnly,
  handlerEntry,
  logicalId,
  ref,
  statementsOf,
} from './bare-stack.ts';

function contactsIn(stack: Stack, props: Partial<ContactQueueProps> = {}) {
  const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  const bus = new EventBus(stack, 'Bus');
  const fieldKey = new Key(stack, 'FieldKey');
  const topicKey = new Key(stack, 'TopicKey');
  const identityHmacSecret = new Secret(stack, 'Hmac');
  const opsTopic = new Topic(stack, 'Ops');
  const contacts = new ContactQueue(stack, 'ContactQueue', {
    senderEntry: handlerEntry('send-contact'),
    inboundSmsEntry: handlerEntry('inbound-sms'),
    table,
    bus,
    fieldKey,
    topicKey,
    identityHmacSecret,
    environment: { TABLE_NAME: 'the-table', RULES: '{}' },
    opsTopic,
    ...props,
  });
  return { contacts, table, bus, fieldKey, topicKey, identityHmacSecret, opsTopic };
}

const baseEnvironment = {
  NODE_OPTIONS: '--enable-source-maps',
  POWERTOOLS_SERVICE_NAME: 'duebell',
  POWERTOOLS_METRICS_NAMESPACE: 'Duebell',
  TABLE_NAME: 'the-table',
  RULES: '{}',
};

describe('ContactQueue with its defaults', () => {
  let template: Template;
  let parts: ReturnType<typeof contactsIn>;
  beforeAll(() => {
    const stack = bareStack();
    parts = contactsIn(stack);
    template = Template.fromStack(stack);
  });

  it('holds jobs 240 s per receive (6 × the sender’s 40 s timeout) and moves them to the DLQ after 10 receives', () => {
    const { queue, deadLetters } = parts.contacts;
    expect(template.toJSON().Resources[logicalId(queue)].Properties).toEqual({
      VisibilityTimeout: 240,
      RedrivePolicy: { deadLetterTargetArn: arnOf(deadLetters), maxReceiveCount: 10 },
      SqsManagedSseEnabled: true,
    });
    expect(template.toJSON().Resources[logicalId(deadLetters)].Properties).toEqual({
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
    expect(template.toJSON().Resources[logicalId(parts.contacts.sender)].Properties.Timeout).toBe(40);
  });

  it('refuses plain-HTTP access to both queues', () => {
    for (const queue of [parts.contacts.queue, parts.contacts.deadLetters]) {
      expectSslOnly(template, queue);
    }
  });

  it('feeds the sender batches of 10 with partial batch failures, at most senderMaxConcurrency at once', () => {
    expect(defaultRules.contact.senderMaxConcurrency).toBe(5);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(parts.contacts.queue),
      FunctionName: ref(parts.contacts.sender),
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // Bounded by the event source alone: the sender reserves no account concurrency.
    expect(
      template.toJSON().Resources[logicalId(parts.contacts.sender)].Properties.ReservedConcurrentExecutions,
    ).toBeUndefined();
  });

  it('alarms ops at the first job in the DLQ', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(parts.contacts.deadLetters), 'QueueName'] },
        },
      ],
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(parts.opsTopic)],
    });
  });

  it('gives the sender the queue URL and the field key, and inbound SMS the queue URL and the HMAC secret', () => {
    const queueUrl = ref(parts.contacts.queue);
    expect(environmentOf(template, parts.contacts.sender)).toEqual({
      ...baseEnvironment,
      CONTACT_QUEUE_URL: queueUrl,
      FIELD_KEY_ID: arnOf(parts.fieldKey),
    });
    expect(environmentOf(template, parts.contacts.inboundSms)).toEqual({
      ...baseEnvironment,
      CONTACT_QUEUE_URL: queueUrl,
      IDENTITY_HMAC_SECRET_ARN: ref(parts.identityHmacSecret),
      FIELD_KEY_ID: arnOf(parts.fieldKey),
    });
  });

  it('lets the sender decrypt addresses, send SMS and email, consume the queue and publish events', () => {
    const { sender } = parts.contacts;
    expect(actionsOn(template, sender, arnOf(parts.fieldKey))).toEqual(['kms:Decrypt']);
    // Only under a field's encryption context, and only phones and emails (names stay sealed).
    const onFieldKey = statementsOf(template, sender).filter(
      (s) => JSON.stringify(s.Resource) === JSON.stringify(arnOf(parts.fieldKey)),
    );
    expect(onFieldKey.map((s) => s.Condition)).toEqual([
      {
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['field', 'record'] },
        StringEquals: { 'kms:EncryptionContext:field': ['phone', 'email'] },
      },
    ]);
    expect(actionsOn(template, sender, '*')).toEqual([
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'sns:Publish',
    ]);
    expect(
      actionsOn(template, sender, {
        'Fn::Join': [
          '',
          ['arn:aws:ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/*'],
        ],
      }),
    ).toEqual(['ses:SendEmail']);
    expect(actionsOn(template, sender, arnOf(parts.contacts.queue))).toEqual([
      'sqs:ReceiveMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueUrl',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
    ]);
    // Its events go through the table's outbox: the bus is the publisher's alone.
    expect(actionsOn(template, sender, arnOf(parts.bus))).toEqual([]);
    expect(actionsOf(template, sender)).not.toContain('secretsmanager:GetSecretValue');
    expect(actionsOf(template, sender)).not.toContain('sqs:SendMessage');
  });

  it('lets inbound SMS read the HMAC secret and seal complaint texts only: no decrypting, no sending, no events', () => {
    const { inboundSms } = parts.contacts;
    expect(actionsOn(template, inboundSms, ref(parts.identityHmacSecret))).toEqual([
      'secretsmanager:GetSecretValue',
      'secretsmanager:DescribeSecret',
    ]);
    expect(actionsOn(template, inboundSms, arnOf(parts.fieldKey))).toEqual(['kms:Encrypt']);
    const onFieldKey = statementsOf(template, inboundSms).filter(
      (s) => JSON.stringify(s.Resource) === JSON.stringify(arnOf(parts.fieldKey)),
    );
    expect(onFieldKey.map((s) => s.Condition)).toEqual([
      {
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['field', 'record'] },
        StringEquals: { 'kms:EncryptionContext:field': ['complaintText'] },
      },
    ]);
    for (const action of ['kms:Decrypt', 'sns:Publish', 'ses:SendEmail', 'events:PutEvents']) {
      expect(actionsOf(template, inboundSms)).not.toContain(action);
    }
  });

  it('delivers inbound SMS from a topic encrypted with the topic key (not the field key), over TLS only', () => {
    const topic = parts.contacts.inboundTopic;
    expect(template.toJSON().Resources[logicalId(topic)].Properties).toEqual({
      KmsMasterKeyId: arnOf(parts.topicKey),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: ref(topic),
      Endpoint: arnOf(parts.contacts.inboundSms),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(topic)],
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      },
    });
  });
});

describe('ContactQueue with its options', () => {
  it('bounds the sender at senderMaxConcurrency and sends email from emailIdentityArn alone', () => {
    const stack = bareStack();
    const identity = 'arn:aws:ses:ap-east-1:111122223333:identity/duebell.example';
    const { contacts } = contactsIn(stack, { senderMaxConcurrency: 3, emailIdentityArn: identity });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 3 },
    });
    expect(actionsOn(template, contacts.sender, identity)).toEqual(['ses:SendEmail']);
    expect(
      actionsOf(template, contacts.sender).filter((a) => a.startsWith('ses:')),
      'no other SES grant',
    ).toEqual(['ses:SendEmail']);
  });
});
