import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintIdFor, handleInboundSms } from '#shared/reminders/inbound-sms.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { opsClient, unseenStatuses } from '../../support/ops.ts';

/**
 * Complaints over HTTP on the local stack: an inbound reply that is not an opt-out becomes a complaint
 * the desk reads (its text opened), with its age and whether it is overdue; supervisors answer it.
 */
let api: TestApi;
beforeAll(async () => {
  // Tuesday 10:00 in Shanghai.
  api = await startTestApi('2027-06-01T02:00:00.000Z');
});
afterAll(() => api.stop());

const PHONE = '+8613912345678';
let messages = 0;

/** A reply from `PHONE` reaching the inbound handler as the carrier delivers it; its complaint's id. */
async function inboundReply(body: string): Promise<string> {
  messages += 1;
  const messageId = `carrier-${messages}`;
  await handleInboundSms(api.stack.deps, { messageId, from: PHONE, body });
  return complaintIdFor(messageId);
}

const as = (...args: Parameters<ReturnType<typeof opsClient>>) => opsClient(api)(...args);

// Tokens issued at the simulated instant of each request: the clock moves on by days here.
const agent = () => api.stack.opsTokens.issuer.issue('agent-1', ['agent']);
const supervisor = () => api.stack.opsTokens.issuer.issue('supervisor-1', ['supervisor']);

describe('complaints on the desk', { shuffle: false }, () => {
  it('lists a reply as an open complaint with its text, its age and when it must be answered', async () => {
    const id = await inboundReply('I paid on Friday, why do you keep calling?');
    api.clock.advance(90 * 60_000);
    const page = await as(agent(), 'GET', '/v1/ops/complaints');
    expect(page.status).toBe(200);
    const listed = page.body.complaints.find((c: { complaintId: string }) => c.complaintId === id);
    expect(listed).toMatchObject({
      complaintId: id,
      text: 'I paid on Friday, why do you keep calling?',
      status: 'open',
      borrowers: [],
      ageMinutes: 90,
      answerDueAt: '2027-06-02T02:00:00.000Z',
      overdue: false,
    });
    expect(JSON.stringify(page.body)).not.toContain('phoneHash');
  });

  it('marks a complaint overdue once a business day has passed unanswered', async () => {
    const id = await inboundReply('nobody answered me');
    api.clock.advance(25 * 3_600_000);
    const shown = await as(agent(), 'GET', `/v1/ops/complaints/${id}`);
    expect(shown.body).toMatchObject({ complaintId: id, status: 'open', overdue: true, audit: [] });
  });

  it('lets only a supervisor answer: 403 for an agent, and nothing written', async () => {
    const id = await inboundReply('please stop');
    const before = await api.itemCount();
    const refused = await as(agent(), 'POST', `/v1/ops/complaints/${id}/answer`, { answer: 'noted' }, 'a-1');
    expect(refused.status).toBe(403);
    expect(await api.itemCount()).toBe(before);
  });

  it('refuses an answer carrying personal data with 422 naming the field, and writes nothing', async () => {
    const id = await inboundReply('wrong person');
    const before = await api.itemCount();
    const refused = await as(supervisor(), 'POST', `/v1/ops/complaints/${id}/answer`, {
      answer: 'called back on 139 1234 5678',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.issues).toEqual([
      { path: 'answer', message: expect.stringContaining('phone number') },
    ]);
    expect(JSON.stringify(refused.body)).not.toContain('1234 5678');
    // (With an Idempotency-Key the refusal would be kept as that key's answer, as for every refusal.)
    expect(await api.itemCount()).toBe(before);
    expect((await as(agent(), 'GET', `/v1/ops/complaints/${id}`)).body).toMatchObject({
      status: 'open',
      audit: [],
    });
  });

  it('closes a complaint on a supervisor answer, audited once; a retry replays it, a second answer is refused', async () => {
    const id = await inboundReply('charged twice this month');
    const path = `/v1/ops/complaints/${id}/answer`;
    const answered = await as(
      supervisor(),
      'POST',
      path,
      { answer: 'refund of the double charge made' },
      's-1',
    );
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({
      complaintId: id,
      status: 'closed',
      answer: 'refund of the double charge made',
      answeredAt: api.clock.now().toISOString(),
    });
    const replay = await as(
      supervisor(),
      'POST',
      path,
      { answer: 'refund of the double charge made' },
      's-1',
    );
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const again = await as(supervisor(), 'POST', path, { answer: 'second answer' }, 's-2');
    expect(again.status).toBe(409);
    const shown = await as(agent(), 'GET', `/v1/ops/complaints/${id}`);
    expect(shown.body.audit).toHaveLength(1);
    expect(shown.body.audit[0]).toMatchObject({ complaintId: id, action: 'complaint.answer' });
    expect(JSON.stringify(shown.body.audit)).not.toContain('charged twice');
    const open = await as(agent(), 'GET', '/v1/ops/complaints?status=open&limit=100');
    expect(open.body.complaints.map((c: { complaintId: string }) => c.complaintId)).not.toContain(id);
    const closed = await as(agent(), 'GET', '/v1/ops/complaints?status=closed');
    expect(closed.body.complaints.map((c: { complaintId: string }) => c.complaintId)).toContain(id);
  });

  it('answers 404 for a complaint that does not exist and 400 for an id that is not one', async () => {
    expect((await as(agent(), 'GET', `/v1/ops/complaints/${complaintIdFor('never')}`)).status).toBe(404);
    expect((await as(agent(), 'GET', '/v1/ops/complaints/not-an-id')).status).toBe(400);
  });

  it('refuses bad input with the field at fault, a partner key or no token with 401, and a body that is not JSON with 415', async () => {
    const badQuery = await as(agent(), 'GET', '/v1/ops/complaints?status=pending');
    expect(badQuery).toMatchObject({ status: 400, body: { issues: [{ path: 'status' }] } });
    const id = await inboundReply('is my loan closed?');
    const empty = await as(supervisor(), 'POST', `/v1/ops/complaints/${id}/answer`, { answer: '' });
    expect(empty).toMatchObject({ status: 400, body: { issues: [{ path: 'answer' }] } });
    const missing = await as(supervisor(), 'POST', `/v1/ops/complaints/${complaintIdFor('none')}/answer`, {
      answer: 'done',
    });
    expect(missing.status).toBe(404);
    const notJson = await api.request('POST', `/v1/ops/complaints/${id}/answer`, {
      apiKey: null,
      rawBody: 'answer=done',
      headers: { authorization: `Bearer ${supervisor()}`, 'content-type': 'text/plain' },
    });
    expect(notJson.status).toBe(415);
    for (const [method, path] of [
      ['GET', '/v1/ops/complaints'],
      ['GET', `/v1/ops/complaints/${id}`],
      ['POST', `/v1/ops/complaints/${id}/answer`],
    ] as const) {
      const withKey = await api.request(method, path, {
        body: method === 'POST' ? { answer: 'x' } : undefined,
      });
      expect(withKey.status).toBe(401);
    }
    expect((await as(agent(), 'GET', `/v1/ops/complaints/${id}`)).body.status).toBe('open');
  });

  it('saw every status the document names for the complaint routes, but the throttle (429), 413 and 500', () => {
    const operations = ['opsListComplaints', 'opsGetComplaint', 'opsAnswerComplaint'];
    const unseen = unseenStatuses(api, operations);
    expect(unseen).toEqual([]);
  });
});
