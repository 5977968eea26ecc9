import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { documentClient } from '#shared/storage/document-client.ts';
import { IdempotencyRepository } from '#shared/storage/idempotency-repository.ts';
import { createTestTable, type TestTable } from '../../support/dynamodb.ts';

let table: TestTable;
let repo: IdempotencyRepository;
beforeAll(async () => {
  table = await createTestTable();
  repo = new IdempotencyRepository(
    documentClient(table.client),
    table.tableName,
    defaultRules.api.idempotencyInProgressSeconds,
  );
});
afterAll(() => table.drop());

const t0 = new Date('2027-07-01T00:00:00Z');
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

describe('idempotency records', () => {
  it('replays a completed answer and refuses another body under the same key', async () => {
    expect(await repo.begin('p', 'k1', 'hash-a', t0, 86_400)).toEqual({ kind: 'started' });
    const answer = { statusCode: 201, headers: {}, body: '{"ok":true}' };
    await repo.complete('p', 'k1', answer);
    expect(await repo.begin('p', 'k1', 'hash-a', later(5), 86_400)).toEqual({
      kind: 'replay',
      response: answer,
    });
    expect(await repo.begin('p', 'k1', 'hash-b', later(5), 86_400)).toEqual({ kind: 'mismatch' });
  });

  it('holds a running request, then lets a retry run it once its handler is presumed dead', async () => {
    expect(await repo.begin('p', 'k2', 'hash-a', t0, 86_400)).toEqual({ kind: 'started' });
    expect(await repo.begin('p', 'k2', 'hash-a', later(10), 86_400)).toEqual({ kind: 'in_progress' });
    expect(await repo.begin('p', 'k2', 'hash-a', later(61), 86_400)).toEqual({ kind: 'started' });
  });

  it('forgets a key after its time to live', async () => {
    expect(await repo.begin('p', 'k3', 'hash-a', t0, 60)).toEqual({ kind: 'started' });
    await repo.complete('p', 'k3', { statusCode: 200, headers: {}, body: '{}' });
    expect(await repo.begin('p', 'k3', 'hash-b', later(61), 60)).toEqual({ kind: 'started' });
  });
});
