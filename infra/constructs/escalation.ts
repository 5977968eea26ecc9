import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { defaultRules, type Rules } from '#shared/config/rules.ts';
import { TABLE_ACCESS } from '#shared/storage/table-access.ts';
import { grantTableAccess } from './data.ts';
import { ladderDefinitionBody } from './escalation-definition.ts';
import { DuebellFunction, functionMetric, tracingOn } from './node-function.ts';
import { opsAlarm } from './ops-alarm.ts';

export interface EscalationProps {
  /** Path of the escalation step's handler module (`functions/escalation-step/handler.ts`). */
  readonly entry: string;
  /** The table the step re-reads the loan from and records each rung in. */
  readonly table: Table;
  /** The bus the step publishes `EscalationStepTaken`, `LoanNonPerforming` and `LoanChargedOff` on. */
  readonly bus: IEventBus;
  /** The queue the step puts a rung's SMS and email jobs on (`ContactQueue.queue`). */
  readonly contactQueue: IQueue;
  /**
   * Environment every function shares (table, bus, partners, rules); `CONTACT_QUEUE_URL`,
   * `AGENT_QUEUE_URL` and `LEGAL_QUEUE_URL` are added.
   */
  readonly environment: Record<string, string>;
  /** Where the alarms go. */
  readonly opsTopic: ITopic;
  /**
   * The ladder after grace, one set of states per rung.
   * @default defaultRules.collection.ladder - D+4 to D+120 (see rules.ts)
   */
  readonly ladder?: Rules['collection']['ladder'];
  /**
   * Step Functions' quota of open Standard executions in the account and region; ops are alarmed when the
   * open episodes reach 80 % of it.
   * @default 1_000_000 - the Step Functions default quota
   */
  readonly openExecutionsQuota?: number;
}

/** Receives before a task moves to its DLQ: the contact queue's figure. */
const MAX_RECEIVE_COUNT = 10;

/**
 * The escalation ladder: a Standard state machine (one execution per delinquency episode) that waits for
 * each rung and invokes the escalation step for it, with logs and X-Ray; the step function, which re-reads
 * the loan and acts (contact jobs, a task for a person, a change of standing); the agent and legal task
 * queues, each with a DLQ; and alarms to ops on failed and timed-out executions, failed steps, DLQs, and
 * open episodes near the Step Functions quota.
 */
export class Escalation extends Construct {
  readonly stateMachine: StateMachine;
  /** The Lambda every rung task (and `Record failure`) invokes. */
  readonly stepFunction: NodejsFunction;
  /** Agent call tasks (D+15, and any rung whose automated channels are all opted out). */
  readonly agentQueue: Queue;
  readonly agentDeadLetters: Queue;
  /** Legal review and legal referral tasks (D+30, D+60). */
  readonly legalQueue: Queue;
  readonly legalDeadLetters: Queue;
  /** Where the state machine logs its executions' events. */
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: EscalationProps) {
    super(scope, id);
    const queueDefaults = { enforceSSL: true, encryption: QueueEncryption.SQS_MANAGED } as const;
    // Tasks wait for a person, so they are kept the longest SQS allows.
    const retentionPeriod = Duration.days(14);
    const taskQueue = (name: string) => {
      const deadLetters = new Queue(this, `${name}DeadLetters`, { ...queueDefaults, retentionPeriod });
      const queue = new Queue(this, `${name}Tasks`, {
        ...queueDefaults,
        retentionPeriod,
        deadLetterQueue: { queue: deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
      });
      opsAlarm(this, `${name}DeadLettersAlarm`, {
        description: `${name} tasks were received ${MAX_RECEIVE_COUNT} times without being done and wait in the DLQ`,
        metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        opsTopic: props.opsTopic,
      });
      return { queue, deadLetters };
    };
    ({ queue: this.agentQueue, deadLetters: this.agentDeadLetters } = taskQueue('Agent'));
    ({ queue: this.legalQueue, deadLetters: this.legalDeadLetters } = taskQueue('Legal'));

    this.stepFunction = new DuebellFunction(this, 'escalation-step-fn', {
      entry: props.entry,
      environment: {
        ...props.environment,
        CONTACT_QUEUE_URL: props.contactQueue.queueUrl,
        AGENT_QUEUE_URL: this.agentQueue.queueUrl,
        LEGAL_QUEUE_URL: this.legalQueue.queueUrl,
      },
      timeout: Duration.seconds(60),
    }).function;
    grantTableAccess(props.table, this.stepFunction, TABLE_ACCESS['escalation-step']);
    for (const queue of [props.contactQueue, this.agentQueue, this.legalQueue]) {
      queue.grantSendMessages(this.stepFunction);
    }

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const ladder = props.ladder ?? defaultRules.collection.ladder;
    const traced = tracingOn(this);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: ladderDefinitionBody(this, ladder, this.stepFunction),
      // Every state transition, without inputs and outputs: they carry ids only, but logs stay lean.
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: traced,
    });
    if (!traced)
      Validations.of(this.stateMachine).acknowledge({
        id: 'AwsSolutions-SF2',
        reason:
          'This deployment turned X-Ray tracing off (-c duebell:tracing=off); executions are still logged.',
      });
    const stepId = Stack.of(this).getLogicalId(this.stepFunction.node.defaultChild as CfnFunction);
    Validations.of(this.stateMachine).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stepId}.Arn>:*]`,
      reason:
        'The state machine invokes the escalation step function and its versions only (the grant CDK writes for a Lambda task).',
    });
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Log delivery (logs:*LogDelivery*, resource policies) and X-Ray PutTraceSegments/sampling do not support resource-level permissions.',
    });

    const alarm = (alarmId: string, description: string, metric: Metric, threshold?: number) =>
      opsAlarm(this, alarmId, { description, metric, threshold, opsTopic: props.opsTopic });
    alarm(
      'ExecutionsFailedAlarm',
      'An escalation episode failed: a rung and its failure record failed after their retries',
      this.stateMachine.metricFailed({ period: Duration.minutes(5) }),
    );
    alarm(
      'ExecutionsTimedOutAlarm',
      'An escalation episode timed out',
      this.stateMachine.metricTimedOut({ period: Duration.minutes(5) }),
    );
    alarm(
      'StepFailedAlarm',
      'An escalation rung failed after its retries and was recorded as failed',
      functionMetric('EscalationStepFailed', { statistic: 'Sum', period: Duration.minutes(5) }),
    );
    const quota = props.openExecutionsQuota ?? 1_000_000;
    alarm(
      'OpenEpisodesAlarm',
      `Open escalation episodes reached 80 % of the ${quota} open Step Functions executions allowed`,
      // Published by the daily ageing job.
      functionMetric('OpenEscalationEpisodes', { statistic: 'Maximum', period: Duration.days(1) }),
      quota * 0.8,
    );
  }
}
