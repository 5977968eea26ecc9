import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CollectionTask } from '#shared/ports/records.ts';
import type { TaskStore } from '#shared/ports/stores.ts';
import { isConditionalFailure } from './document-client.ts';
import { keys } from './keys.ts';

/** Tasks for people (agent calls, legal review and referral): one per loan, episode and rung. */
export class TaskRepository implements TaskStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createOnce(task: CollectionTask): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.task(task.loanId, task.taskId), kind: 'task', ...task },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalFailure(err)) return false;
      throw err;
    }
  }
}
