import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { CallCapReached, DeskTaskChanged, LoanVersionConflict } from '#shared/errors/domain-errors.ts';
import type {
  AuditRecord,
  ClaimWrite,
  DeskStore,
  OutcomeWrite,
  TaskFilter,
  TaskPage,
} from '#shared/ports/desk.ts';
import type { CollectionTask } from '#shared/ports/records.ts';
import { auditExpiry } from './audit-retention.ts';
import { dailySlotUpdate } from './contact-ledger-repository.ts';
import { decodeIndexCursor, encodeIndexCursor } from './desk-index.ts';
import { cancellationCodes, isConditionalFailure, queryAll } from './document-client.ts';
import { deskStatusKey, keys, recordOf } from './keys.ts';
import { loanFieldsUpdate } from './loan-fields-update.ts';
import { outboxPut } from './outbox.ts';
import { promisePuts } from './promise-repository.ts';
import { DESK_INDEX } from './table-definition.ts';

/** The day's agent calls count on the same channel as the calls the ladder opens. */
const AGENT_CHANNEL = 'agent';
/** A page may skip this many index pages of filtered-out tasks before it answers short (with a cursor). */
const MAX_QUERIES_PER_PAGE = 10;

/**
 * The collection desk's agent tasks (items the ladder's `TaskRepository` records), their claims and
 * outcomes, promises and the audit trail. Every write is one transaction: the effect, its audit record and
 * its events, conditional on the task being as the decision saw it.
 */
export class DeskRepository implements DeskStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getTask(loanId: string, taskId: string): Promise<CollectionTask | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.task(loanId, taskId), ConsistentRead: true }),
    );
    return out.Item ? recordOf<CollectionTask>(out.Item) : undefined;
  }

  /** A Query of the desk index: a status partition, due before an instant; lease, rung and partner filtered. */
  async listTasks(filter: TaskFilter, now: Date): Promise<TaskPage> {
    const partition = deskStatusKey(filter.status === 'done' ? 'done' : 'open');
    const names: Record<string, string> = { '#status': 'deskStatus' };
    const values: Record<string, unknown> = { ':status': partition };
    let keyCondition = '#status = :status';
    if (filter.dueBefore) {
      keyCondition += ' AND #sort < :before';
      names['#sort'] = 'deskSort';
      values[':before'] = filter.dueBefore;
    }
    const filters: string[] = [];
    if (filter.status !== 'done') {
      names['#lease'] = 'leaseUntil';
      values[':now'] = now.toISOString();
      filters.push(
        filter.status === 'claimed' ? '#lease > :now' : '(attribute_not_exists(#lease) OR #lease <= :now)',
      );
    }
    if (filter.rung) {
      names['#rung'] = 'rung';
      values[':rung'] = filter.rung;
      filters.push('#rung = :rung');
    }
    if (filter.partnerId) {
      names['#partner'] = 'partnerId';
      values[':partner'] = filter.partnerId;
      filters.push('#partner = :partner');
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: DESK_INDEX,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
    };
    const tasks: CollectionTask[] = [];
    let start = filter.cursor ? decodeIndexCursor(filter.cursor, partition) : undefined;
    // Limit counts the items read before the filter: asking for no more than the page still lacks ends
    // every query on the last item returned, so its LastEvaluatedKey is where the next page starts.
    for (let i = 0; i < MAX_QUERIES_PER_PAGE && tasks.length < filter.limit; i++) {
      const out = await this.db.send(
        new QueryCommand({ ...input, Limit: filter.limit - tasks.length, ExclusiveStartKey: start }),
      );
      tasks.push(...(out.Items ?? []).map((item) => recordOf<CollectionTask>(item)));
      start = out.LastEvaluatedKey;
      if (!start) break;
    }
    return { tasks, ...(start ? { cursor: encodeIndexCursor(start) } : {}) };
  }

  async callsOn(identityHash: string, localDate: string): Promise<string[]> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.contactDay(identityHash, localDate),
        ConsistentRead: true,
      }),
    );
    const calls = out.Item?.[AGENT_CHANNEL] as Set<string> | undefined;
    return calls ? [...calls] : [];
  }

  async claim(write: ClaimWrite): Promise<void> {
    const { task, agentId, leaseUntil, audit } = write;
    const taskUpdate = {
      Update: {
        TableName: this.tableName,
        Key: keys.task(task.loanId, task.taskId),
        UpdateExpression: 'SET claimedBy = :agent, leaseUntil = :until',
        // Open, and nobody else holds it (no lease, or one that is over, or the agent's own).
        ConditionExpression:
          '#status = :open AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now OR claimedBy = :agent)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':agent': agentId,
          ':until': leaseUntil,
          ':open': 'open',
          ':now': audit.at,
        },
      },
    };
    const callSlot = {
      Update: {
        TableName: this.tableName,
        ...dailySlotUpdate({
          ...write.callDay,
          channel: AGENT_CHANNEL,
          messageKey: task.taskId,
        }),
      },
    };
    try {
      await this.db.send(
        new TransactWriteCommand({ TransactItems: [taskUpdate, callSlot, this.auditPut(audit)] }),
      );
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
      const codes = cancellationCodes(err);
      if (codes[0] === 'ConditionalCheckFailed')
        throw new DeskTaskChanged('the task changed', { cause: err });
      throw new CallCapReached(write.callDay.cap);
    }
  }

  async release(task: CollectionTask, agentId: string, audit: AuditRecord): Promise<void> {
    const taskUpdate = {
      Update: {
        TableName: this.tableName,
        Key: keys.task(task.loanId, task.taskId),
        UpdateExpression: 'REMOVE claimedBy, leaseUntil',
        ConditionExpression: this.heldBy,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':agent': agentId, ':open': 'open', ':now': audit.at },
      },
    };
    await this.transact([taskUpdate, this.auditPut(audit)]);
  }

  async recordOutcome(write: OutcomeWrite): Promise<void> {
    const { task, audit } = write;
    const taskUpdate = {
      Update: {
        TableName: this.tableName,
        Key: keys.task(task.loanId, task.taskId),
        UpdateExpression:
          'SET #status = :done, deskStatus = :doneKey, outcome = :outcome, completedAt = :at, completedBy = :agent' +
          (write.note === undefined ? '' : ', note = :note') +
          ' REMOVE leaseUntil',
        ConditionExpression: this.heldBy,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':agent': write.completedBy,
          ':open': 'open',
          ':now': write.completedAt,
          ':done': 'done',
          ':doneKey': deskStatusKey('done'),
          ':outcome': write.outcome,
          ':at': write.completedAt,
          ...(write.note === undefined ? {} : { ':note': write.note }),
        },
      },
    };
    const { hold, wrongNumber } = write;
    // The loan's update is last but the events: its failure alone means the loan moved (read again).
    const loanUpdate = hold
      ? [
          loanFieldsUpdate(this.tableName, hold.loanId, hold.expectedVersion, {
            ...(hold.promise ? { promise: hold.promise } : {}),
            ...(hold.dispute ? { dispute: hold.dispute } : {}),
          }),
        ]
      : [];
    const items = [
      taskUpdate,
      this.auditPut(audit),
      ...(write.promise ? promisePuts(this.tableName, write.promise) : []),
      ...(wrongNumber ? [this.wrongNumberMark(wrongNumber)] : []),
      ...loanUpdate,
    ];
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [...items, ...write.events.map((e) => outboxPut(this.tableName, e))],
        }),
      );
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
      if (hold && cancellationCodes(err)[items.length - 1] === 'ConditionalCheckFailed')
        throw new LoanVersionConflict(`loan ${hold.loanId} changed`, { cause: err });
      throw new DeskTaskChanged('the task changed', { cause: err });
    }
  }

  async resolveDispute(loanId: string, expectedVersion: number, audit: AuditRecord): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            loanFieldsUpdate(this.tableName, loanId, expectedVersion, { dispute: undefined }),
            this.auditPut(audit),
          ],
        }),
      );
    } catch (err) {
      if (isConditionalFailure(err)) throw new LoanVersionConflict(`loan ${loanId} changed`, { cause: err });
      throw err;
    }
  }

  /** The borrower's wrong-number mark, for the number they still have (a new one since is not marked). */
  private wrongNumberMark(mark: NonNullable<OutcomeWrite['wrongNumber']>) {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.borrower(mark.partnerId, mark.borrowerId),
        UpdateExpression: 'SET wrongNumber = :mark',
        ConditionExpression: 'phoneHash = :hash',
        ExpressionAttributeValues: {
          ':mark': { since: mark.since, phoneHash: mark.phoneHash },
          ':hash': mark.phoneHash,
        },
      },
    };
  }

  async listAudit(loanId: string): Promise<AuditRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.auditPartition(loanId) },
    });
    return items.map((item) => recordOf<AuditRecord>(item, ['expiresAt']));
  }

  /** The agent holds the open task under a live lease. */
  private readonly heldBy = '#status = :open AND claimedBy = :agent AND leaseUntil > :now';

  private auditPut(audit: AuditRecord) {
    return auditPut(this.tableName, audit);
  }

  private async transact(
    items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
  ) {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (err) {
      if (isConditionalFailure(err)) throw new DeskTaskChanged('the task changed', { cause: err });
      throw err;
    }
  }
}

/** The Put of an audit record in the transaction of its effect (kept 5 years, then expired). */
export function auditPut(tableName: string, audit: AuditRecord) {
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...keys.audit(audit.loanId, audit.at, audit.auditId),
        kind: 'audit',
        ...audit,
        expiresAt: auditExpiry(audit.at),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
