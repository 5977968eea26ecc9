import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CollectionTask } from '#shared/ports/records.ts';
import type { TaskStore } from '#shared/ports/stores.ts';
import { isConditionalFailure } from './document-client.ts';
import { deskIndexKey, keys } from './keys.ts';

/** Tasks for people (agent calls, legal review and referral): one per task id. */
export class TaskRepository implements TaskStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(task: CollectionTask): Promise<{ handedOver: boolean }> {
    const key = keys.task(task.loanId, task.taskId);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          // Agent calls are listed by the desk (its index); legal tasks go to their queue only.
          Item: { ...key, kind: 'task', ...task, ...(task.type === 'agent_call' ? deskIndexKey(task) : {}) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { handedOver: false };
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
    }
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return { handedOver: typeof out.Item?.handedOverAt === 'string' };
  }

  async markHandedOver(loanId: string, taskId: string, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.task(loanId, taskId),
        UpdateExpression: 'SET handedOverAt = if_not_exists(handedOverAt, :at)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }
}
