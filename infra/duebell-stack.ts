import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { defaultRules, type Rules } from '#shared/config/rules.ts';
import type { FunctionName } from '#shared/http/route-table.ts';
import { TABLE_ACCESS } from '#shared/storage/table-access.ts';
import { ContactQueue } from './constructs/contact-queue.ts';
import { DailyAgeing } from './constructs/daily-ageing.ts';
import { DailySweep } from './constructs/daily-sweep.ts';
import { DuebellData, grantFieldCipher, grantTableAccess } from './constructs/data.ts';
import { Escalation } from './constructs/escalation.ts';
import { DuebellEvents } from './constructs/event-bus.ts';
import { DuebellFunction } from './constructs/node-function.ts';
import { OpsAlarms } from './constructs/ops-alarms.ts';
import { OpsDashboard } from './constructs/ops-dashboard.ts';
import { OpsTopic } from './constructs/ops-topic.ts';
import { OpsUsers } from './constructs/ops-users.ts';
import { OutboxPublisher } from './constructs/outbox-publisher.ts';
import { PartnerApi } from './constructs/partner-api.ts';

export interface DuebellStackProps extends StackProps {
  /**
   * Partners the API stage's throttle is sized for (each partner is added after deploy with
   * `duebell partners add --stack NAME`, with its own key and usage plan).
   * @default 20
   */
  readonly maxPartners?: number;
  /**
   * Rules for this deployment (validated, e.g. by `loadRules`); passed to every function.
   * @default defaultRules - the defaults in shared/config/rules.ts
   */
  readonly rules?: Rules;
  /**
   * SES identity reminder emails are sent from.
   * @default - any SES identity of the account in this region
   */
  readonly emailIdentityArn?: string;
  /**
   * The account's monthly SMS spend limit in USD (SNS `MonthlySpendLimit`): alarmed at 80 %.
   * @default 1 - the limit SNS gives a new account
   */
  readonly smsMonthlySpendLimitUsd?: number;
}

const entry = (fn: string) => fileURLToPath(new URL(`../functions/${fn}/handler.ts`, import.meta.url));

/**
 * Wiring only: storage, events, the partner API and its functions, the contact queue, the escalation
 * ladder, the daily sweep and the daily ageing job, with least-privilege grants.
 */
export class DuebellStack extends Stack {
  readonly data: DuebellData;
  readonly api: PartnerApi;
  readonly functions: Record<FunctionName, NodejsFunction>;
  /** The ops API's function (`/v1/ops/`) and the desk's user pool. */
  readonly opsFunction: NodejsFunction;
  readonly opsUsers: OpsUsers;
  readonly contactQueue: ContactQueue;
  readonly escalation: Escalation;
  readonly dailySweep: DailySweep;
  readonly dailyAgeing: DailyAgeing;
  readonly opsTopic: Topic;
  readonly outbox: OutboxPublisher;
  readonly opsTopics: OpsTopic;
  readonly opsAlarms: OpsAlarms;
  readonly dashboard: OpsDashboard;

  constructor(scope: Construct, id: string, props: DuebellStackProps = {}) {
    super(scope, id, props);
    const rules = props.rules ?? defaultRules;
    this.data = new DuebellData(this, 'Data');
    const events = new DuebellEvents(this, 'Events');

    const environment = {
      TABLE_NAME: this.data.table.tableName,
      EVENT_BUS_NAME: events.bus.eventBusName,
      RULES: JSON.stringify(props.rules ? rules : {}),
    };
    // API Gateway gives up at 29 s; a request's idempotency lease (`idempotencyInProgressSeconds`) is shorter.
    const make = (name: FunctionName) =>
      new DuebellFunction(this, `${name}-fn`, {
        entry: entry(name),
        environment,
        timeout: Duration.seconds(29),
      }).function;
    this.functions = {
      applications: make('applications'),
      loans: make('loans'),
      payments: make('payments'),
      hardship: make('hardship'),
      preferences: make('preferences'),
      openapi: make('openapi'),
    };

    // Events go through the table's outbox: no API function is given the bus.
    for (const name of Object.keys(this.functions) as FunctionName[])
      grantTableAccess(this.data.table, this.functions[name], TABLE_ACCESS[name]);
    // Only scoring sees raw identities: it hashes the national ID and encrypts phone and email.
    const scoring = this.functions.applications;
    // Encrypt alone, under a field's context (CDK's grantEncrypt adds ReEncrypt* and GenerateDataKey*).
    grantFieldCipher(this.data.fieldKey, scoring, 'kms:Encrypt', ['name', 'phone', 'email']);
    this.data.identityHmacSecret.grantRead(scoring);
    scoring.addEnvironment('FIELD_KEY_ID', this.data.fieldKey.keyArn);
    scoring.addEnvironment('IDENTITY_HMAC_SECRET_ARN', this.data.identityHmacSecret.secretArn);

    // The collection desk: its own function, its users in a Cognito pool.
    this.opsUsers = new OpsUsers(this, 'OpsUsers');
    this.opsFunction = new DuebellFunction(this, 'ops-fn', {
      entry: entry('ops'),
      environment,
      timeout: Duration.seconds(29),
    }).function;
    grantTableAccess(this.data.table, this.opsFunction, TABLE_ACCESS.ops);
    // The desk reads complaints' texts (the borrower's own words); a supervisor's export of a person's data
    // (PIPL Art. 45) opens their name, phone and email too.
    grantFieldCipher(this.data.fieldKey, this.opsFunction, 'kms:Decrypt', [
      'complaintText',
      'name',
      'phone',
      'email',
    ]);
    this.opsFunction.addEnvironment('FIELD_KEY_ID', this.data.fieldKey.keyArn);

    this.api = new PartnerApi(this, 'PartnerApi', {
      functions: this.functions,
      ops: { function: this.opsFunction, userPool: this.opsUsers.userPool },
      maxPartners: props.maxPartners,
      throttleRatePerSecond: rules.api.throttleRatePerSecond,
      throttleBurst: rules.api.throttleBurst,
      quotaPerDay: rules.api.quotaPerDay,
      maxBodyBytes: rules.api.maxBodyBytes,
    });
    new CfnOutput(this, 'TableNameOutput', { key: 'TableName', value: this.data.table.tableName });

    // Encrypted with the topics' own key, whose policy lets CloudWatch and the SMS service publish.
    this.opsTopics = new OpsTopic(this, 'OpsAlarms');
    this.opsTopic = this.opsTopics.topic;
    const shared = environment;
    this.outbox = new OutboxPublisher(this, 'Outbox', {
      entry: entry('outbox-publisher'),
      table: this.data.table,
      bus: events.bus,
      environment: { RULES: environment.RULES },
      opsTopic: this.opsTopic,
    });
    this.contactQueue = new ContactQueue(this, 'ContactQueue', {
      senderEntry: entry('send-contact'),
      inboundSmsEntry: entry('inbound-sms'),
      table: this.data.table,
      bus: events.bus,
      fieldKey: this.data.fieldKey,
      topicKey: this.opsTopics.key,
      identityHmacSecret: this.data.identityHmacSecret,
      environment: shared,
      opsTopic: this.opsTopic,
      senderMaxConcurrency: rules.contact.senderMaxConcurrency,
      emailIdentityArn: props.emailIdentityArn,
    });
    this.opsTopics.allowSmsReplies(this.contactQueue.inboundTopic);
    this.escalation = new Escalation(this, 'Escalation', {
      entry: entry('escalation-step'),
      table: this.data.table,
      bus: events.bus,
      contactQueue: this.contactQueue.queue,
      environment: shared,
      opsTopic: this.opsTopic,
      ladder: rules.collection.ladder,
    });
    this.dailySweep = new DailySweep(this, 'DailySweep', {
      entry: entry('sweep'),
      sliceEntry: entry('sweep-slice'),
      table: this.data.table,
      contactQueue: this.contactQueue.queue,
      stateMachine: this.escalation.stateMachine,
      environment: shared,
      opsTopic: this.opsTopic,
      sweepAt: rules.contact.sweepAt,
      timeZone: rules.timezone,
    });
    this.dailyAgeing = new DailyAgeing(this, 'DailyAgeing', {
      entry: entry('ageing'),
      table: this.data.table,
      bus: events.bus,
      stateMachine: this.escalation.stateMachine,
      environment: shared,
      opsTopic: this.opsTopic,
      ageingAt: rules.collection.ageingAt,
      timeZone: rules.timezone,
    });
    this.opsAlarms = new OpsAlarms(this, 'OpsAlarmsExtra', {
      opsTopic: this.opsTopic,
      api: this.api.api,
      sender: this.contactQueue.sender,
      smsMonthlySpendLimitUsd: props.smsMonthlySpendLimitUsd,
      outboxPublisher: this.outbox.publisher,
      complaintsPastDeadline: true,
      concentration: true,
    });
    this.dashboard = new OpsDashboard(this, 'OpsDashboard', {
      rules,
      api: this.api.api,
      apiFunctions: { ...this.functions, ops: this.opsFunction },
      functions: {
        ...this.functions,
        ops: this.opsFunction,
        'send-contact': this.contactQueue.sender,
        'inbound-sms': this.contactQueue.inboundSms,
        sweep: this.dailySweep.sweep,
        'sweep-slice': this.dailySweep.sliceWorker,
        'outbox-publisher': this.outbox.publisher,
        ageing: this.dailyAgeing.ageing,
        'escalation-step': this.escalation.stepFunction,
      },
      deadLetterQueues: {
        contact: this.contactQueue.deadLetters,
        'agent tasks': this.escalation.agentDeadLetters,
        'legal tasks': this.escalation.legalDeadLetters,
        'sweep schedule': this.dailySweep.deadLetters,
        'sweep slices': this.dailySweep.sliceDeadLetters,
        outbox: this.outbox.deadLetters,
        'ageing schedule': this.dailyAgeing.deadLetters,
      },
      taskQueues: { agent: this.escalation.agentQueue, legal: this.escalation.legalQueue },
      stateMachine: this.escalation.stateMachine,
      smsMonthlySpendLimitUsd: props.smsMonthlySpendLimitUsd,
      alarms: Object.values(this.opsAlarms.alarms),
      outboxPublisher: this.outbox.publisher,
    });
  }
}
