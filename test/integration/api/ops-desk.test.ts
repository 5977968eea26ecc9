import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import type { CollectionTask } from '#shared/ports/records.ts';
import { deskTaskId } from '#shared/schemas/ops.ts';
import application from '../../fixtures/application.json' with { type: 'json' };
import { PARTNER_A, startTestApi, type TestApi } from '../../support/api.ts';

/**
 * The collection desk over HTTP on the local stack: the gateway checks ops tokens as the Cognito
 * authorizer would, and the same handlers run. Every answer is checked against the served OpenAPI document.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('2027-07-01T02:00:00.000Z');
});
afterAll(() => api.stop());

// biome-ignore lint/suspicious/noExplicitAny: answers are asserted field by field
type Answer = { status: number; body: any };

async function ops(
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${api.stack.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const problems = api.contract.check({ method, path, status: res.status, headers: res.headers, body: text });
  if (problems.length > 0) throw new Error(`answer not in the OpenAPI document:\n${problems.join('\n')}`);
  return { status: res.status, body: JSON.parse(text) };
}

const tokenOf = (sub: string, groups: string[]) => api.stack.opsTokens.issuer.issue(sub, groups);

let people = 0;
/** A booked loan of a fresh person (partner A) and an agent task on it, as the ladder's D+15 rung records it. */
async function loanWithTasks(count = 1): Promise<{ loanId: string; ids: string[]; tasks: CollectionTask[] }> {
  people += 1;
  const idNumber = withCheckChar(`31010419930712${String(500 + people).padStart(3, '0')}`);
  const decision = await api.request('POST', '/v1/applications', {
    body: { ...application, borrowerId: `desk-${people}`, applicant: { ...application.applicant, idNumber } },
  });
  const booked = await api.request('POST', '/v1/loans', {
    body: { applicationId: decision.body.applicationId },
  });
  expect(booked.status).toBe(201);
  const loanId: string = booked.body.loanId;
  const tasks: CollectionTask[] = [];
  for (let i = 0; i < count; i++) {
    const task: CollectionTask = {
      taskId: `${loanId}-e1-D+15-agent-${i}`,
      type: 'agent_call',
      queue: 'duebell-agent-tasks',
      reason: 'rung',
      loanId,
      partnerId: PARTNER_A.partnerId,
      borrowerId: `desk-${people}`,
      episode: 1,
      rung: 'D+15',
      installmentNo: 1,
      status: 'open',
      createdAt: api.clock.now().toISOString(),
    };
    await api.stack.deps.repos.tasks.record(task);
    tasks.push(task);
  }
  return { loanId, ids: tasks.map((t) => deskTaskId(loanId, t.taskId)), tasks };
}

// The coverage check at the end reads what the tests before it saw: the order is kept.
describe('the collection desk', { shuffle: false }, () => {
  describe('ops authorization', () => {
    it('refuses a partner API key on /v1/ops/ with 401, and no token, and a forged one', async () => {
      const withKey = await ops('GET', '/v1/ops/tasks', null, undefined, { 'x-api-key': PARTNER_A.apiKey });
      expect(withKey).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
      expect((await ops('GET', '/v1/ops/tasks', null)).status).toBe(401);
      const agent = api.stack.opsTokens.agent;
      const forged = `${agent.split('.').slice(0, 2).join('.')}.${'A'.repeat(43)}`;
      expect((await ops('GET', '/v1/ops/tasks', forged)).status).toBe(401);
      expect((await ops('GET', '/v1/ops/tasks', agent)).status).toBe(200);
    });

    it('refuses an ops token where a partner key is due', async () => {
      const res = await fetch(`${api.stack.url}/v1/openapi.json`, {
        headers: { authorization: `Bearer ${api.stack.opsTokens.supervisor}` },
      });
      expect(res.status).toBe(401);
    });

    it('answers an agent on a supervisor-only route with 403, and a supervisor with 200', async () => {
      expect(await ops('GET', '/v1/ops/supervision', api.stack.opsTokens.agent)).toMatchObject({
        status: 403,
        body: { error: 'forbidden' },
      });
      expect(await ops('GET', '/v1/ops/supervision', api.stack.opsTokens.supervisor)).toMatchObject({
        status: 200,
        body: { userId: 'local-supervisor', groups: ['supervisor'] },
      });
    });
  });

  describe('agent tasks', () => {
    it('lets exactly one of two agents claiming one task at once have it; the other gets 409', async () => {
      const { ids } = await loanWithTasks();
      const path = `/v1/ops/tasks/${ids[0]}/claim`;
      const answers = await Promise.all([
        ops('POST', path, tokenOf('agent-1', ['agent'])),
        ops('POST', path, tokenOf('agent-2', ['agent'])),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      const winner = answers.find((a) => a.status === 200)?.body;
      expect(winner).toMatchObject({ status: 'claimed', partnerId: PARTNER_A.partnerId, taskId: ids[0] });
      expect(['agent-1', 'agent-2']).toContain(winner.claimedBy);
    });

    it('lists open tasks with their partner, paged with a cursor, and claimed ones apart', async () => {
      const { loanId, ids } = await loanWithTasks(3);
      await ops('POST', `/v1/ops/tasks/${ids[0]}/claim`, tokenOf('agent-9', ['agent']));
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const q = `status=open&partnerId=${PARTNER_A.partnerId}&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await ops('GET', `/v1/ops/tasks?${q}`, api.stack.opsTokens.agent);
        expect(page.status).toBe(200);
        expect(page.body.tasks.length).toBeLessThanOrEqual(1);
        for (const t of page.body.tasks) expect(t.partnerId).toBe(PARTNER_A.partnerId);
        seen.push(
          ...page.body.tasks
            .filter((t: { loanId: string }) => t.loanId === loanId)
            .map((t: { taskId: string }) => t.taskId),
        );
        cursor = page.body.cursor;
      } while (cursor);
      expect(seen.sort()).toEqual([ids[1], ids[2]].sort());
      const claimed = await ops('GET', '/v1/ops/tasks?status=claimed&limit=100', api.stack.opsTokens.agent);
      expect(claimed.body.tasks.map((t: { taskId: string }) => t.taskId)).toContain(ids[0]);
      expect((await ops('GET', '/v1/ops/tasks?cursor=nope', api.stack.opsTokens.agent)).status).toBe(400);
      expect((await ops('GET', '/v1/ops/tasks?status=lost', api.stack.opsTokens.agent)).status).toBe(400);
    });

    it('hands a borrower at most 3 calls a day: the fourth task waits (422), writing nothing', async () => {
      const { loanId, ids } = await loanWithTasks(4);
      const agent = tokenOf('agent-cap', ['agent']);
      for (const id of ids.slice(0, 3))
        expect((await ops('POST', `/v1/ops/tasks/${id}/claim`, agent)).status).toBe(200);
      const fourth = await ops('POST', `/v1/ops/tasks/${ids[3]}/claim`, agent);
      expect(fourth).toMatchObject({ status: 422, body: { error: 'call_cap_reached' } });
      const audit = await ops('GET', `/v1/ops/loans/${loanId}/audit`, agent);
      expect(audit.body.records).toHaveLength(3);
    });

    it('records each outcome with exactly one audit record that carries no personal data', async () => {
      const outcomes = [
        { outcome: 'reached', note: 'will pay after payday' },
        { outcome: 'no_answer' },
        { outcome: 'wrong_number' },
        { outcome: 'refused' },
        { outcome: 'dispute', note: 'says installment 1 was paid in cash' },
        { outcome: 'promise_to_pay', date: '2027-07-10', amount: 150_000 },
      ];
      const agent = tokenOf('agent-out', ['agent']);
      for (const body of outcomes) {
        const { loanId, ids } = await loanWithTasks();
        expect((await ops('POST', `/v1/ops/tasks/${ids[0]}/claim`, agent)).status).toBe(200);
        const recorded = await ops('POST', `/v1/ops/tasks/${ids[0]}/outcome`, agent, body);
        expect(recorded).toMatchObject({
          status: 201,
          body: { status: 'done', outcome: body.outcome, partnerId: PARTNER_A.partnerId },
        });
        const again = await ops('POST', `/v1/ops/tasks/${ids[0]}/outcome`, agent, body);
        expect(again).toMatchObject({ status: 409, body: { error: 'task_done' } });
        const audit = await ops('GET', `/v1/ops/loans/${loanId}/audit`, tokenOf('sup', ['supervisor']));
        expect(audit.body.partnerId).toBe(PARTNER_A.partnerId);
        const outcomeRecords = audit.body.records.filter(
          (r: { action: string }) => r.action === 'task.outcome',
        );
        expect(outcomeRecords).toHaveLength(1);
        expect(outcomeRecords[0]).toMatchObject({ userId: 'agent-out', inputs: { outcome: body.outcome } });
        const text = JSON.stringify(audit.body);
        for (const personal of [
          application.applicant.name,
          application.applicant.phone,
          application.applicant.email,
          '310104199307',
        ])
          expect(text).not.toContain(personal);
        if (body.note) expect(text).not.toContain(body.note);
      }
      const types = (await api.published()).map((e) => e.type);
      expect(types.filter((t) => t === 'AgentTaskCompleted').length).toBeGreaterThanOrEqual(outcomes.length);
      expect(types).toContain('PromiseToPayRecorded');
    });

    it('refuses a note with a phone number, an email or an ID number with 422 naming the field, writing nothing', async () => {
      const { loanId, ids } = await loanWithTasks();
      const agent = tokenOf('agent-note', ['agent']);
      await ops('POST', `/v1/ops/tasks/${ids[0]}/claim`, agent);
      for (const note of ['call her on 139 1234 5678', 'mail lihua@example.com', 'ID 310104199307122358']) {
        const res = await ops('POST', `/v1/ops/tasks/${ids[0]}/outcome`, agent, { outcome: 'reached', note });
        expect(res).toMatchObject({
          status: 422,
          body: { error: 'personal_data_in_note', issues: [{ path: 'note' }] },
        });
        expect(JSON.stringify(res.body)).not.toContain(note);
      }
      const audit = await ops('GET', `/v1/ops/loans/${loanId}/audit`, agent);
      expect(audit.body.records.map((r: { action: string }) => r.action)).toEqual(['task.claim']);
    });

    it('validates with field paths (400), refuses a promise outside the rules (422) and an outcome without a claim (409)', async () => {
      const { ids } = await loanWithTasks();
      const agent = tokenOf('agent-val', ['agent']);
      const path = `/v1/ops/tasks/${ids[0]}/outcome`;
      expect(await ops('POST', path, agent, { outcome: 'reached' })).toMatchObject({
        status: 409,
        body: { error: 'task_not_claimed' },
      });
      await ops('POST', `/v1/ops/tasks/${ids[0]}/claim`, agent);
      const bad = await ops('POST', path, agent, { outcome: 'promise_to_pay', date: '2027-07-10' });
      expect(bad).toMatchObject({ status: 400, body: { issues: [{ path: 'amount' }] } });
      const far = await ops('POST', path, agent, {
        outcome: 'promise_to_pay',
        date: '2027-08-30',
        amount: 150_000,
      });
      expect(far).toMatchObject({
        status: 422,
        body: { error: 'promise_date_too_far', issues: [{ path: 'date' }] },
      });
      expect((await ops('POST', '/v1/ops/tasks/not-an-id/claim', agent)).status).toBe(400);
    });

    it('gives a retried claim (same Idempotency-Key) the first answer, and a release opens the task to others', async () => {
      const { ids } = await loanWithTasks();
      const agent = tokenOf('agent-rel', ['agent']);
      const key = { 'idempotency-key': `claim-${ids[0]}` };
      const first = await ops('POST', `/v1/ops/tasks/${ids[0]}/claim`, agent, undefined, key);
      const retry = await fetch(`${api.stack.url}/v1/ops/tasks/${ids[0]}/claim`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agent}`, ...key },
      });
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(await retry.json()).toEqual(first.body);
      const other = tokenOf('agent-other', ['agent']);
      expect((await ops('POST', `/v1/ops/tasks/${ids[0]}/claim`, other)).status).toBe(409);
      expect(
        (await ops('POST', `/v1/ops/tasks/${ids[0]}/release`, agent, { reason: 'end of shift' })).body.status,
      ).toBe('open');
      expect((await ops('POST', `/v1/ops/tasks/${ids[0]}/claim`, other)).status).toBe(200);
    });
  });

  describe('every documented ops error', () => {
    it('answers unknown tasks 404, bodies that are not JSON 415, a release by someone else 409 and a reason with personal data 422', async () => {
      const agent = tokenOf('agent-err', ['agent']);
      const unknown = deskTaskId('no-such-loan', 'no-such-task');
      for (const action of ['claim', 'outcome', 'release'])
        expect(
          (
            await ops(
              'POST',
              `/v1/ops/tasks/${unknown}/${action}`,
              agent,
              action === 'claim' ? undefined : { outcome: 'reached' },
            )
          ).status,
        ).toBe(action === 'release' ? 400 : 404);
      expect((await ops('POST', `/v1/ops/tasks/${unknown}/release`, agent, {})).status).toBe(404);
      for (const action of ['claim', 'outcome', 'release'])
        expect((await ops('POST', `/v1/ops/tasks/${unknown}/${action}`, null)).status).toBe(401);
      const { loanId, ids } = await loanWithTasks();
      for (const action of ['outcome', 'release']) {
        const res = await ops('POST', `/v1/ops/tasks/${ids[0]}/${action}`, agent, undefined, {
          'content-type': 'text/plain',
        });
        expect(res.status).toBe(415);
      }
      expect((await ops('POST', `/v1/ops/tasks/${ids[0]}/release`, agent, {})).status).toBe(409);
      await ops('POST', `/v1/ops/tasks/${ids[0]}/claim`, agent);
      expect(
        (await ops('POST', `/v1/ops/tasks/${ids[0]}/claim`, tokenOf('agent-late', ['agent']))).status,
      ).toBe(409);
      const personal = await ops('POST', `/v1/ops/tasks/${ids[0]}/release`, agent, {
        reason: 'call 13912345678',
      });
      expect(personal).toMatchObject({ status: 422, body: { issues: [{ path: 'reason' }] } });
      expect(
        (await ops('POST', `/v1/ops/tasks/not-an-id/outcome`, agent, { outcome: 'reached' })).status,
      ).toBe(400);
      expect((await ops('GET', '/v1/ops/loans/no-such-loan/audit', agent)).status).toBe(404);
      expect((await ops('GET', `/v1/ops/loans/${'x'.repeat(300)}/audit`, agent)).status).toBe(400);
      expect((await ops('GET', `/v1/ops/loans/${loanId}/audit`, null)).status).toBe(401);
      expect((await ops('GET', '/v1/ops/supervision', null)).status).toBe(401);
    });
  });

  describe('the loan view', () => {
    it('shows a loan of any partner with its partner, schedule, open promise and promises, tasks (desk ids), payments and contacts timeline', async () => {
      const { loanId, ids } = await loanWithTasks(1);
      const paid = await api.request('POST', `/v1/loans/${loanId}/payments`, {
        body: { paymentId: `view-${loanId}`, amount: 10_000, paidAt: api.clock.now().toISOString() },
      });
      expect(paid.status).toBe(201);
      const agent = tokenOf('agent-view', ['agent']);
      expect((await ops('POST', `/v1/ops/tasks/${ids[0]}/claim`, agent)).status).toBe(200);
      const promised = await ops('POST', `/v1/ops/tasks/${ids[0]}/outcome`, agent, {
        outcome: 'promise_to_pay',
        date: '2027-07-05',
        amount: 50_000,
      });
      expect(promised.status).toBe(201);
      const view = await ops('GET', `/v1/ops/loans/${loanId}`, api.stack.opsTokens.agent);
      expect(view.status).toBe(200);
      expect(view.body.openPromise).toMatchObject({ date: '2027-07-05', amount: 50_000, source: 'desk' });
      expect(view.body.promises).toEqual([
        expect.objectContaining({ date: '2027-07-05', amount: 50_000, status: 'open', source: 'desk' }),
      ]);
      expect(view.body.dispute).toBeNull();
      expect(view.body).toMatchObject({
        loanId,
        partnerId: PARTNER_A.partnerId,
        status: 'active',
        hardshipPlans: [],
        payments: [{ paymentId: `view-${loanId}`, amount: 10_000 }],
        tasks: [
          { taskId: ids[0], type: 'agent_call', rung: 'D+15', status: 'done', outcome: 'promise_to_pay' },
        ],
      });
      expect(view.body.installments.length).toBeGreaterThan(0);
      expect(Array.isArray(view.body.contacts)).toBe(true);
      // The same schedule the partner sees.
      const partnerView = await api.request('GET', `/v1/loans/${loanId}`);
      expect(view.body.installments).toEqual(partnerView.body.installments);
    });

    it('answers 404 for a loan that does not exist, 400 for an id that is not one, 401 for a partner key', async () => {
      expect((await ops('GET', '/v1/ops/loans/no-such-loan', api.stack.opsTokens.agent)).status).toBe(404);
      expect((await ops('GET', '/v1/ops/loans/bad%20id', api.stack.opsTokens.agent)).status).toBe(400);
      const withKey = await ops('GET', '/v1/ops/loans/no-such-loan', null, undefined, {
        'x-api-key': PARTNER_A.apiKey,
      });
      expect(withKey.status).toBe(401);
    });
  });

  describe('dispute resolution', () => {
    it('lets a supervisor alone lift a dispute, once, with one audit record; every refusal writes nothing', async () => {
      const { loanId, ids } = await loanWithTasks();
      const agent = tokenOf('agent-disp', ['agent']);
      const supervisor = tokenOf('sup-disp', ['supervisor']);
      await ops('POST', `/v1/ops/tasks/${ids[0]}/claim`, agent);
      expect(
        (await ops('POST', `/v1/ops/tasks/${ids[0]}/outcome`, agent, { outcome: 'dispute' })).status,
      ).toBe(201);
      const path = `/v1/ops/loans/${loanId}/dispute-resolution`;
      const body = { resolution: 'upheld', reason: 'the cash receipt checks out' };
      expect(await ops('POST', path, agent, body)).toMatchObject({
        status: 403,
        body: { error: 'forbidden' },
      });
      expect((await ops('POST', path, null, body)).status).toBe(401);
      expect((await ops('POST', path, supervisor, undefined, { 'content-type': 'text/plain' })).status).toBe(
        415,
      );
      expect(await ops('POST', path, supervisor, { ...body, resolution: 'maybe' })).toMatchObject({
        status: 400,
        body: { issues: [{ path: 'resolution' }] },
      });
      expect(await ops('POST', path, supervisor, { ...body, reason: 'called 13912345678' })).toMatchObject({
        status: 422,
        body: { error: 'personal_data_in_note', issues: [{ path: 'reason' }] },
      });
      expect(
        (await ops('POST', '/v1/ops/loans/no-such-loan/dispute-resolution', supervisor, body)).status,
      ).toBe(404);
      expect((await api.stack.deps.repos.loans.getLoan(loanId))?.dispute).toBeDefined();

      expect(await ops('POST', path, supervisor, body)).toMatchObject({
        status: 200,
        body: { loanId, partnerId: PARTNER_A.partnerId, resolution: 'upheld', resolvedBy: 'sup-disp' },
      });
      expect((await api.stack.deps.repos.loans.getLoan(loanId))?.dispute).toBeUndefined();
      expect(await ops('POST', path, supervisor, body)).toMatchObject({
        status: 409,
        body: { error: 'no_open_dispute' },
      });
      const audit = await ops('GET', `/v1/ops/loans/${loanId}/audit`, supervisor);
      const resolved = audit.body.records.filter((r: { action: string }) => r.action === 'dispute.resolve');
      expect(resolved).toHaveLength(1);
      expect(resolved[0]).toMatchObject({ userId: 'sup-disp', inputs: { resolution: 'upheld' } });
      expect(audit.body.records).toHaveLength(3);
    });
  });

  describe('ops coverage', () => {
    it('saw every status the document names for the desk task routes, but the throttle (429), 413 and 500', () => {
      const operations = [
        'opsListTasks',
        'opsClaimTask',
        'opsRecordOutcome',
        'opsReleaseTask',
        'opsLoanAudit',
        'opsGetLoan',
        'opsSupervision',
      ];
      const unseen = api.contract
        .documented()
        .filter((entry) => operations.includes(entry.split(' ')[0] as string))
        .filter((entry) => !api.contract.seen.has(entry))
        .filter((entry) => !/ (413|429|500)$/.test(entry));
      expect(unseen).toEqual([]);
    });
  });
});
