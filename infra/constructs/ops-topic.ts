import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface OpsTopicProps {
  /**
   * Alias of the key that encrypts the ops topic and the inbound SMS topic.
   * @default 'alias/duebell-topics'
   */
  readonly keyAlias?: string;
}

/** The services that publish to Duebell's topics themselves, and so must be able to use their key. */
export const topicPublishers = {
  /** CloudWatch alarms publish their state changes to the ops topic. */
  alarms: 'cloudwatch.amazonaws.com',
  /** Two-way SMS (SNS SMS, now AWS End User Messaging SMS) publishes replies to the inbound SMS topic. */
  smsReplies: ['sms-voice.amazonaws.com', 'sns.amazonaws.com'],
} as const;

/**
 * The ops topic every alarm notifies, and the key that encrypts it and the inbound SMS topic. The key is
 * the topics' own, not the field key: a topic a service publishes to needs a key whose policy lets that
 * service generate data keys, and the key that guards phone numbers and emails should let no service do
 * so. An AWS-managed SNS key would not do either: its policy cannot be changed, so CloudWatch could not
 * publish to a topic encrypted with it. The policy allows CloudWatch and the SMS service, each only on
 * behalf of this account (`aws:SourceAccount`), to generate data keys and decrypt.
 */
export class OpsTopic extends Construct {
  readonly key: Key;
  /** Where every alarm goes; subscribe ops (email, chat, paging) to it. */
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: OpsTopicProps = {}) {
    super(scope, id);
    const { account } = Stack.of(this);
    this.key = new Key(this, 'Key', {
      alias: props.keyAlias ?? 'alias/duebell-topics',
      description: 'Duebell ops and inbound SMS topics; usable by CloudWatch alarms and the SMS service',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const services = [topicPublishers.alarms, ...topicPublishers.smsReplies];
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'ServicesPublishToEncryptedTopics',
        principals: services.map((service) => new ServicePrincipal(service)),
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    this.topic = new Topic(this, 'Topic', { enforceSSL: true, masterKey: this.key });
  }

  /**
   * Lets the SMS service publish replies to `topic` (encrypted with this key): the topic's own policy,
   * for this account's SMS resources only.
   */
  allowSmsReplies(topic: Topic): void {
    const { account } = Stack.of(this);
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SmsRepliesPublish',
        principals: topicPublishers.smsReplies.map((service) => new ServicePrincipal(service)),
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
  }
}
