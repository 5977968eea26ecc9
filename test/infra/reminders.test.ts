import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { buildApp } from '../../infra/app.ts';

let template: Template;
beforeAll(() => {
  template = Template.fromStack(buildApp().stack);
});

/** The IAM actions granted to the role of the function whose logical id starts with `prefix`. */
function actionsOf(prefix: string): string[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([id]) => id.startsWith(prefix))
    .flatMap(([, p]) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()),
    );
}

describe('reminders infrastructure', () => {
  it('fires the sweep daily at 09:00 Asia/Shanghai from EventBridge Scheduler, with retries and a DLQ', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 * * ? *)',
      ScheduleExpressionTimezone: defaultRules.timezone,
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Reminderssweepfn'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('RemindersScheduleDlq'), 'Arn'] } },
      }),
    });
    expect(Object.keys(template.findResources('AWS::Events::Rule'))).toEqual([]);
  });

  it('feeds the sender from SQS with bounded concurrency and partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('Reminderssendcontactfn') },
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: defaultRules.contact.senderMaxConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 60,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 10 },
      SqsManagedSseEnabled: true,
    });
  });

  it('alarms ops when contact jobs reach the DLQ', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('RemindersContactDlq'), 'QueueName'] },
        },
      ],
      Threshold: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('OpsAlarms') }],
    });
  });

  it('lets only the sender publish SMS and send email, and the sweep only queue jobs', () => {
    const sender = actionsOf('Reminderssendcontactfn');
    expect(sender).toEqual(expect.arrayContaining(['sns:Publish', 'ses:SendEmail', 'kms:Decrypt']));
    const sweep = actionsOf('Reminderssweepfn');
    expect(sweep).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    expect(sweep).not.toContain('sns:Publish');
    expect(sweep).not.toContain('secretsmanager:GetSecretValue');
    expect(actionsOf('applicationsfn')).not.toContain('sns:Publish');
  });

  it('gives the sender the field key alone and inbound SMS the HMAC secret alone', () => {
    const envOf = (prefix: string): Record<string, unknown> => {
      const fns = template.findResources('AWS::Lambda::Function');
      const [, fn] = Object.entries(fns).find(([id]) => id.startsWith(prefix)) ?? [];
      return fn?.Properties.Environment.Variables ?? {};
    };
    // Actions granted on the field key itself (the table's own key is another grant).
    const onFieldKey = (prefix: string) =>
      Object.entries(template.findResources('AWS::IAM::Policy'))
        .filter(([id]) => id.startsWith(prefix))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
        .filter((st: { Resource: unknown }) => JSON.stringify(st.Resource).includes('DataFieldKey'))
        .flatMap((st: { Action: string | string[] }) => [st.Action].flat());
    expect(onFieldKey('Reminderssendcontactfn')).toEqual(['kms:Decrypt']);
    expect(actionsOf('Reminderssendcontactfn')).not.toContain('secretsmanager:GetSecretValue');
    expect(envOf('Reminderssendcontactfn')).toHaveProperty('FIELD_KEY_ID');
    expect(envOf('Reminderssendcontactfn')).not.toHaveProperty('IDENTITY_HMAC_SECRET_ARN');
    expect(actionsOf('Remindersinboundsmsfn')).toContain('secretsmanager:GetSecretValue');
    expect(envOf('Remindersinboundsmsfn')).toHaveProperty('IDENTITY_HMAC_SECRET_ARN');
    expect(envOf('Remindersinboundsmsfn')).not.toHaveProperty('FIELD_KEY_ID');
  });

  it('delivers inbound SMS from an encrypted SNS topic to the opt-out handler', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('RemindersInboundSms') },
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('Remindersinboundsmsfn'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});
