import { describe, expect, it } from 'vitest';
import { DeskTaskChanged } from '#shared/errors/domain-errors.ts';
import type { ComplaintAuditRecord, ComplaintRecord } from '#shared/ports/complaints.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

/** Receipt instants far apart per test: the suites share one table, and lists read a whole status. */
let clockMs = Date.parse('2031-01-01T00:00:00.000Z');
const nextInstant = () => {
  clockMs += 60_000;
  return new Date(clockMs).toISOString();
};

const complaint = (overrides: Partial<ComplaintRecord> = {}): ComplaintRecord => ({
  complaintId: unique('cmp'),
  receivedAt: nextInstant(),
  phoneHash: 'f'.repeat(64),
  borrowers: [{ partnerId: 'p-demo', borrowerId: unique('u') }],
  textEncrypted: 'sealed',
  status: 'open',
  ...overrides,
});

const audit = (complaintId: string, at: string): ComplaintAuditRecord => ({
  auditId: unique('aud'),
  complaintId,
  userId: 'sup-1',
  at,
  action: 'complaint.answer',
  inputs: { answered: true },
});

/** The ComplaintStore contract: one complaint per id, listed oldest first by status, closed once. */
function complaintStoreContract(target: Target): void {
  const stores = useStores(target);

  it('records a complaint once: a redelivered message finds it recorded and changes nothing', async () => {
    const first = complaint();
    expect(await stores().complaints.record(first)).toBe(true);
    expect(await stores().complaints.record({ ...first, textEncrypted: 'other' })).toBe(false);
    expect(await stores().complaints.get(first.complaintId)).toEqual(first);
  });

  it('lists open complaints oldest first, in pages whose cursors continue where they stopped', async () => {
    const mine = [complaint(), complaint(), complaint()];
    for (const c of [...mine].reverse()) await stores().complaints.record(c);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await stores().complaints.list({
        status: 'open',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.complaints.length).toBeLessThanOrEqual(2);
      ids.push(...page.complaints.map((c) => c.complaintId));
      cursor = page.cursor;
    } while (cursor);
    const order = mine.map((c) => ids.indexOf(c.complaintId));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('lists the open complaints received before an instant, oldest first, and no closed one', async () => {
    const cutoff = nextInstant();
    const before = (await stores().complaints.listOpenReceivedBefore(cutoff)).map((c) => c.complaintId);
    const late = complaint({ receivedAt: '2030-12-31T00:00:00.000Z' });
    const answered = complaint({ receivedAt: '2030-12-31T00:00:01.000Z' });
    await stores().complaints.record(late);
    await stores().complaints.record(answered);
    await stores().complaints.answer(
      answered,
      { text: 'done', by: 'sup-1', at: cutoff },
      audit(answered.complaintId, cutoff),
    );
    const after = await stores().complaints.listOpenReceivedBefore(cutoff);
    expect(after.map((c) => c.complaintId)).toEqual([late.complaintId, ...before]);
    expect(after[0]).toEqual(late);
    expect(await stores().complaints.listOpenReceivedBefore('2030-12-31T00:00:00.000Z')).toEqual([]);
  });

  it('closes a complaint with its answer and one audit record, and refuses a second answer', async () => {
    const c = complaint();
    await stores().complaints.record(c);
    const at = nextInstant();
    await stores().complaints.answer(c, { text: 'refund made', by: 'sup-1', at }, audit(c.complaintId, at));
    expect(await stores().complaints.get(c.complaintId)).toEqual({
      ...c,
      status: 'closed',
      answer: 'refund made',
      answeredBy: 'sup-1',
      answeredAt: at,
    });
    await expect(
      stores().complaints.answer(c, { text: 'again', by: 'sup-2', at }, audit(c.complaintId, at)),
    ).rejects.toBeInstanceOf(DeskTaskChanged);
    const trail = await stores().complaints.listAudit(c.complaintId);
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({
      complaintId: c.complaintId,
      userId: 'sup-1',
      action: 'complaint.answer',
    });
    const closed = await stores().complaints.list({ status: 'closed', limit: 1000 });
    expect(closed.complaints.map((x) => x.complaintId)).toContain(c.complaintId);
    const open = await stores().complaints.list({ status: 'open', limit: 1000 });
    expect(open.complaints.map((x) => x.complaintId)).not.toContain(c.complaintId);
  });

  it('refuses a cursor given for the other status', async () => {
    await stores().complaints.record(complaint());
    await stores().complaints.record(complaint());
    const page = await stores().complaints.list({ status: 'open', limit: 1 });
    expect(page.cursor).toBeDefined();
    await expect(
      stores().complaints.list({ status: 'closed', limit: 1, cursor: page.cursor as string }),
    ).rejects.toMatchObject({ code: 'invalid_cursor' });
  });
}

for (const target of targets)
  describe(`ComplaintStore (${target.name})`, () => complaintStoreContract(target));
