import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { LoanVersionConflict } from '#shared/errors/domain-errors.ts';
import { LoanRepository } from '#shared/storage/loan-repository.ts';
import { loanFixture } from '../../fixtures/loans.ts';

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

/** A client that answers each send with the next of `answers` (an error is thrown), counting the sends. */
function client(answers: (Error | undefined)[]) {
  let sends = 0;
  const db = {
    send: async () => {
      const answer = answers[sends++];
      if (answer) throw answer;
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, sends: () => sends };
}

describe('LoanRepository under contention for the portfolio counters', () => {
  const { loan } = loanFixture({ loanId: 'L-contended' });

  it('sends a write again when another transaction held one of its items, and no more once it commits', async () => {
    const c = client([cancelled('None', 'TransactionConflict'), undefined]);
    await new LoanRepository(c.db, 't', 4, 4).saveInstallments(loan, 1, []);
    expect(c.sends()).toBe(2);
  });

  it('does not send again a write whose condition failed: that is a version conflict', async () => {
    const c = client([cancelled('ConditionalCheckFailed', 'TransactionConflict'), undefined]);
    await expect(new LoanRepository(c.db, 't', 4, 4).saveInstallments(loan, 1, [])).rejects.toThrow(
      LoanVersionConflict,
    );
    expect(c.sends()).toBe(1);
  });
});
