import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { inParallel } from '#shared/concurrency/in-parallel.ts';
import {
  ApplicationAlreadyBooked,
  LoanAlreadyExists,
  LoanVersionConflict,
  PaymentAlreadyApplied,
} from '#shared/errors/domain-errors.ts';
import { isPaid } from '#shared/lending/allocation.ts';
import { exposureOf, type LoanExposure } from '#shared/lending/exposure.ts';
import { loanDelta } from '#shared/lending/portfolio-tally.ts';
import type {
  InstallmentRecord,
  LoanRecord,
  LoanWithInstallments,
  LoanWriteEffects,
  PaymentRecord,
} from '#shared/ports/records.ts';
import type { LoanStore } from '#shared/ports/stores.ts';
import { type LoanHistory, loanHistoryOf } from '#shared/scoring/behaviour.ts';
import { cancellationCodes, isConditionalFailure } from './document-client.ts';
import { ageingIndexKey, borrowerIndexKey, dueIndexKey, keys, provinceIndexKey, recordOf } from './keys.ts';
import { outboxPut } from './outbox.ts';
import { portfolioCounterUpdates, summedCounterUpdates } from './portfolio-repository.ts';
import { watchUpdate } from './watchlist-repository.ts';

/** A write that changes nothing beyond the loan (loaders, tests). */
const NO_EFFECTS: LoanWriteEffects = { events: [] };

export class LoanRepository implements LoanStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly dueIndexShards: number,
    private readonly ageingIndexShards: number,
    private readonly provinceIndexShards = 4,
    private readonly portfolioShards = 16,
  ) {}

  /** The loan item; an active loan with something unpaid carries the ageing-index attributes. */
  private loanItem(loan: LoanRecord): Record<string, unknown> {
    const item: Record<string, unknown> = {
      ...keys.loan(loan.loanId),
      kind: 'loan',
      ...loan,
      ...borrowerIndexKey(loan, 'loan', loan.loanId),
    };
    if (loan.status === 'active' && loan.oldestUnpaidDueDate)
      Object.assign(item, ageingIndexKey(loan.oldestUnpaidDueDate, loan.loanId, this.ageingIndexShards));
    // Active loans only: a region's disaster deferral finds them, and never a closed one.
    if (loan.status === 'active' && loan.provinceCode)
      Object.assign(item, provinceIndexKey(loan.provinceCode, loan.loanId, this.provinceIndexShards));
    return item;
  }

  /** The installment item; an unpaid one carries the due-index attributes, a paid one does not. */
  private installmentItem(inst: InstallmentRecord): Record<string, unknown> {
    const item: Record<string, unknown> = {
      ...keys.installment(inst.loanId, inst.installmentNo),
      kind: 'installment',
      ...inst,
    };
    if (!isPaid(inst)) Object.assign(item, dueIndexKey(inst, this.dueIndexShards));
    return item;
  }

  /**
   * Books the loan and its schedule in one transaction; booking the same loan id twice is refused,
   * and so is a second loan from one application (the application is marked in the same transaction).
   */
  async book(
    loan: LoanRecord,
    installments: InstallmentRecord[],
    effects: LoanWriteEffects = NO_EFFECTS,
  ): Promise<void> {
    const markApplication = loan.applicationId
      ? [
          {
            Update: {
              TableName: this.tableName,
              Key: keys.application(loan.applicationId),
              UpdateExpression: 'SET loanId = :loanId',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(loanId)',
              ExpressionAttributeValues: { ':loanId': loan.loanId },
            },
          },
        ]
      : [];
    try {
      await this.transact(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: this.loanItem(loan),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...this.installmentPuts(installments),
            ...this.effectWrites(loan, effects),
            ...markApplication,
          ],
        }),
      );
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
      if (markApplication.length > 0 && cancellationCodes(err).at(-1) === 'ConditionalCheckFailed') {
        throw new ApplicationAlreadyBooked();
      }
      throw new LoanAlreadyExists(`loan ${loan.loanId} is already booked`);
    }
  }

  /**
   * Loads many booked loans at once (a lender's existing book, or a benchmark), 25 items a call,
   * unconditionally: for new data only, where no booking can race it.
   */
  async bulkLoad(
    loans: LoanRecord[],
    installments: InstallmentRecord[],
    concurrency = 8,
    /** `exposures: false` leaves out each person's exposure update, for a table scoring never reads (a bench's). */
    options: { exposures?: boolean } = {},
  ): Promise<void> {
    await this.bulkWrite(
      [
        ...loans.map((loan) => this.loanItem(loan)),
        ...installments.map((inst) => this.installmentItem(inst)),
      ],
      concurrency,
    );
    // Each person's exposures, one update per loan (a person's loans share the identity item), and the
    // portfolio's running totals, as a booking adds to them.
    const byLoan = new Map<string, InstallmentRecord[]>();
    for (const inst of installments) byLoan.set(inst.loanId, [...(byLoan.get(inst.loanId) ?? []), inst]);
    const updates = [
      ...(options.exposures === false ? [] : loans).map((loan) => {
        const schedule = byLoan.get(loan.loanId) ?? [];
        return this.exposureUpdate(loan, exposureOf(loan, schedule), loanHistoryOf(loan, schedule));
      }),
      ...summedCounterUpdates(
        this.tableName,
        loans.map((loan) => loanDelta(undefined, { loan, installments: byLoan.get(loan.loanId) ?? [] })),
        this.portfolioShards,
      ),
    ];
    await inParallel(updates, concurrency, async (u) => {
      await this.db.send(new UpdateCommand(u.Update));
    });
  }

  private async bulkWrite(items: Record<string, unknown>[], concurrency: number): Promise<void> {
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    await inParallel(batches, concurrency, async (batch) => {
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const out = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    });
  }

  async getLoan(loanId: string): Promise<LoanRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.loan(loanId), ConsistentRead: true }),
    );
    return out.Item ? recordOf<LoanRecord>(out.Item) : undefined;
  }

  /** The loan and its installments in installment order, one strongly consistent query. */
  async getLoanWithInstallments(loanId: string): Promise<LoanWithInstallments | undefined> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'kind IN (:loan, :inst)',
          ExpressionAttributeValues: {
            ':pk': keys.loanPartition(loanId),
            ':loan': 'loan',
            ':inst': 'installment',
          },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    const loanItem = items.find((i) => i.kind === 'loan');
    if (!loanItem) return undefined;
    const installments = items
      .filter((i) => i.kind === 'installment')
      .map((i) => recordOf<InstallmentRecord>(i))
      .sort((a, b) => a.installmentNo - b.installmentNo);
    return { loan: recordOf<LoanRecord>(loanItem), installments };
  }

  async getPayment(loanId: string, paymentId: string): Promise<PaymentRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.payment(loanId, paymentId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? recordOf<PaymentRecord>(out.Item) : undefined;
  }

  /**
   * Records a payment and its effect in one transaction: the payment (once per id), the loan
   * (only if still at `expectedVersion`) and every changed installment. No crash leaves money half-applied.
   */
  async applyPayment(
    payment: PaymentRecord,
    loan: LoanRecord,
    expectedVersion: number,
    changed: InstallmentRecord[],
    effects: LoanWriteEffects = NO_EFFECTS,
  ): Promise<void> {
    try {
      await this.transact(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.payment(payment.loanId, payment.paymentId), kind: 'payment', ...payment },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            this.loanUpdate(loan, expectedVersion),
            ...this.installmentPuts(changed),
            ...this.effectWrites(loan, effects),
          ],
        }),
      );
    } catch (err) {
      if (!isConditionalFailure(err)) throw err;
      if (cancellationCodes(err)[0] === 'ConditionalCheckFailed') {
        throw new PaymentAlreadyApplied(`payment ${payment.paymentId} is already applied`);
      }
      throw new LoanVersionConflict(`loan ${loan.loanId} changed since version ${expectedVersion}`);
    }
  }

  /**
   * Sends a loan write, again when DynamoDB cancelled it only for another transaction in progress on one of
   * its items (the portfolio counters are shared by many loans' writes): a cancelled transaction wrote
   * nothing, and its conditions still hold it to the version it was decided on, so resending it is safe.
   */
  private async transact(command: TransactWriteCommand, attempts = 5): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.send(command);
        return;
      } catch (err) {
        const codes = cancellationCodes(err);
        const contended = codes.includes('TransactionConflict') && !codes.includes('ConditionalCheckFailed');
        if (!contended || attempt >= attempts) throw err;
        await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt));
      }
    }
  }

  /** Saves the loan alone under the version check (an escalation step, a transition). */
  async saveLoan(loan: LoanRecord, expectedVersion: number): Promise<void> {
    await this.saveInstallments(loan, expectedVersion, []);
  }

  /** Saves changed installments and the loan (e.g. penalty accrual, re-dated schedule) under the version check. */
  async saveInstallments(
    loan: LoanRecord,
    expectedVersion: number,
    changed: InstallmentRecord[],
    effects?: LoanWriteEffects,
  ): Promise<void> {
    try {
      await this.transact(
        new TransactWriteCommand({ TransactItems: this.writeItems(loan, expectedVersion, changed, effects) }),
      );
    } catch (err) {
      if (isConditionalFailure(err)) {
        throw new LoanVersionConflict(`loan ${loan.loanId} changed since version ${expectedVersion}`);
      }
      throw err;
    }
  }

  /**
   * The transaction items of a loan write (the loan under its version check first, then its changed
   * installments and effects), for a store that commits more with it: a desk action's audit record.
   */
  writeItems(
    loan: LoanRecord,
    expectedVersion: number,
    changed: InstallmentRecord[],
    effects?: LoanWriteEffects,
  ) {
    return [
      this.loanUpdate(loan, expectedVersion),
      ...this.installmentPuts(changed),
      ...(effects ? this.effectWrites(loan, effects) : []),
    ];
  }

  /** The identity item's exposure for this loan and the outbox events, written in the loan's transaction. */
  private effectWrites(loan: LoanRecord, effects: LoanWriteEffects) {
    return [
      ...(effects.exposure === undefined && effects.history === undefined
        ? []
        : [this.exposureUpdate(loan, effects.exposure, effects.history)]),
      ...(effects.warnings?.length ? [watchUpdate(this.tableName, loan, effects.warnings)] : []),
      ...effects.events.map((e) => outboxPut(this.tableName, e)),
      ...(effects.portfolio
        ? portfolioCounterUpdates(this.tableName, effects.portfolio, this.portfolioShards)
        : []),
    ];
  }

  /** One update of the identity item (a transaction may touch an item once): the exposure and the history. */
  private exposureUpdate(loan: LoanRecord, exposure: LoanExposure | null | undefined, history?: LoanHistory) {
    const sets: string[] = [];
    const values: Record<string, unknown> = {};
    const names: Record<string, string> = {};
    if (exposure !== undefined) names['#loan'] = keys.identityLoanAttribute(loan.loanId);
    if (exposure) {
      sets.push('#loan = :exposure');
      values[':exposure'] = exposure;
    }
    if (history) {
      names['#history'] = keys.identityHistoryAttribute(loan.loanId);
      sets.push('#history = :history');
      values[':history'] = history;
    }
    if (sets.length > 0) {
      sets.push('kind = :kind');
      values[':kind'] = 'identity';
    }
    const expression = [
      ...(sets.length > 0 ? [`SET ${sets.join(', ')}`] : []),
      ...(exposure === null ? ['REMOVE #loan'] : []),
    ].join(' ');
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.identity(loan.identityHash),
        UpdateExpression: expression,
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      },
    };
  }

  private installmentPuts(installments: InstallmentRecord[]) {
    return installments.map((inst) => ({
      Put: { TableName: this.tableName, Item: this.installmentItem(inst) },
    }));
  }

  private loanUpdate(loan: LoanRecord, expectedVersion: number) {
    return {
      Put: {
        TableName: this.tableName,
        Item: this.loanItem({ ...loan, version: expectedVersion + 1 }),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': expectedVersion },
      },
    };
  }
}
