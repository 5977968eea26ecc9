import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EarlyWarning, EarlyWarningCode } from '#shared/collection/early-warning.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { WatchedLoan, WatchlistStore } from '#shared/ports/watchlist.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import { deskIndexPage } from './desk-index.ts';
import { isConditionalFailure } from './document-client.ts';
import { WATCH_SIGNAL_PREFIX, WATCHLIST_PARTITION, watchKey, watchSignalAttribute } from './keys.ts';
import { outboxPut } from './outbox.ts';

/**
 * The watch item's update for the signals a write raises, for the transaction of the write that causes
 * them: each signal is an attribute named by code and occurrence (setting it again changes nothing), and
 * a new signal starts the count of current days again.
 */
export function watchUpdate(
  tableName: string,
  who: { loanId: string; partnerId: string; borrowerId: string },
  warnings: readonly EarlyWarning[],
) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {
    ':loanId': who.loanId,
    ':partnerId': who.partnerId,
    ':borrowerId': who.borrowerId,
    ':partition': WATCHLIST_PARTITION,
    ':kind': 'watch',
  };
  const sets = ['kind = :kind', 'loanId = :loanId', 'partnerId = :partnerId', 'borrowerId = :borrowerId'];
  sets.push('deskStatus = :partition');
  let last = '';
  warnings.forEach((w, i) => {
    names[`#s${i}`] = watchSignalAttribute(w.code, w.occurrence);
    values[`:s${i}`] = w.raisedOn;
    sets.push(`#s${i} = if_not_exists(#s${i}, :s${i})`);
    if (w.raisedOn > last) last = w.raisedOn;
  });
  values[':last'] = last;
  values[':sort'] = `${last}#${who.loanId}`;
  sets.push('watchedSince = if_not_exists(watchedSince, :last)', 'lastRaisedOn = :last');
  sets.push('deskSort = if_not_exists(deskSort, :sort)');
  return {
    Update: {
      TableName: tableName,
      Key: watchKey(who.loanId),
      UpdateExpression: `SET ${sets.join(', ')} REMOVE currentSince`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

function watchedLoanOf(item: Record<string, unknown>): WatchedLoan {
  const signals = Object.entries(item)
    .filter(([name]) => name.startsWith(WATCH_SIGNAL_PREFIX))
    .map(([name, raisedOn]) => {
      const [code, ...occurrence] = name.slice(WATCH_SIGNAL_PREFIX.length).split('#');
      return {
        code: code as EarlyWarningCode,
        occurrence: occurrence.join('#'),
        raisedOn: raisedOn as LocalDate,
      };
    })
    .sort((a, b) => a.raisedOn.localeCompare(b.raisedOn) || a.code.localeCompare(b.code));
  return {
    loanId: item.loanId as string,
    partnerId: item.partnerId as string,
    borrowerId: item.borrowerId as string,
    watchedSince: item.watchedSince as LocalDate,
    lastRaisedOn: item.lastRaisedOn as LocalDate,
    ...(item.currentSince ? { currentSince: item.currentSince as LocalDate } : {}),
    signals,
  };
}

export class WatchlistRepository implements WatchlistStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async raise(
    who: { loanId: string; partnerId: string; borrowerId: string },
    warning: EarlyWarning,
    event: DomainEvent,
  ): Promise<boolean> {
    const update = watchUpdate(this.tableName, who, [warning]).Update;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            // The signal's attribute is `#s0`: present means raised before, and then nothing is written.
            { Update: { ...update, ConditionExpression: 'attribute_not_exists(#s0)' } },
            outboxPut(this.tableName, event),
          ],
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalFailure(err)) return false;
      throw err;
    }
  }

  async page(page: { limit: number; cursor?: string }) {
    const out = await deskIndexPage(this.db, this.tableName, WATCHLIST_PARTITION, page);
    return { loans: out.items.map(watchedLoanOf), ...(out.cursor ? { cursor: out.cursor } : {}) };
  }

  async all(): Promise<WatchedLoan[]> {
    const loans: WatchedLoan[] = [];
    let cursor: string | undefined;
    do {
      const out = await this.page({ limit: 100, ...(cursor ? { cursor } : {}) });
      loans.push(...out.loans);
      cursor = out.cursor;
    } while (cursor);
    return loans;
  }

  async markCurrent(loanId: string, since: LocalDate): Promise<void> {
    await this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: watchKey(loanId),
        UpdateExpression: 'SET currentSince = :since',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(currentSince)',
        ExpressionAttributeValues: { ':since': since },
      }),
    );
  }

  async resetCurrent(loanId: string, since: LocalDate): Promise<void> {
    await this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: watchKey(loanId),
        UpdateExpression: 'REMOVE currentSince',
        ConditionExpression: 'currentSince = :since',
        ExpressionAttributeValues: { ':since': since },
      }),
    );
  }

  async clear(loanId: string, currentSince: LocalDate): Promise<void> {
    await this.conditional(
      new DeleteCommand({
        TableName: this.tableName,
        Key: watchKey(loanId),
        ConditionExpression: 'currentSince = :since',
        ExpressionAttributeValues: { ':since': currentSince },
      }),
    );
  }

  /** A pass write whose entry moved on (a new signal, another pass) leaves it to the next day's pass. */
  private async conditional(command: UpdateCommand | DeleteCommand): Promise<void> {
    try {
      await this.db.send(command as UpdateCommand);
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
    }
  }
}
