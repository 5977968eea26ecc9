import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { handleInboundSms } from '#shared/reminders/inbound-sms.ts';
import application from '../../fixtures/application.json' with { type: 'json' };
import { startTestApi, type TestApi } from '../../support/api.ts';
import { opsClient, unseenStatuses } from '../../support/ops.ts';

/**
 * Borrowers' rights (PIPL Art. 45, 47) over HTTP on the local stack: a supervisor exports everything held
 * about a person, decrypted, and nothing of anyone else; erasure waits until every loan is repaid, then
 * removes the person's name, phone, email and birth date and keeps the decisions, loans and ledger.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('2027-07-01T02:00:00.000Z');
});
afterAll(() => api.stop());

const OTHER_PHONE = '+8613700000077';
let people = 0;
/** A person applying at partner A (approved), with their own phone and email; their borrowerId. */
async function applicant(
  phone: string,
  email: string,
): Promise<{ borrowerId: string; applicationId: string }> {
  people += 1;
  const borrowerId = `rights-${people}`;
  const idNumber = withCheckChar(`31010419930712${String(800 + people).padStart(3, '0')}`);
  const res = await api.request('POST', '/v1/applications', {
    body: { ...application, borrowerId, applicant: { ...application.applicant, idNumber, phone, email } },
  });
  expect(res.body.decision).toBe('approve');
  return { borrowerId, applicationId: res.body.applicationId };
}

const ops = (...args: Parameters<ReturnType<typeof opsClient>>) => opsClient(api)(...args);
const supervisor = () => api.stack.opsTokens.issuer.issue('supervisor-9', ['supervisor']);
const agent = () => api.stack.opsTokens.issuer.issue('agent-9', ['agent']);
const exportOf = (borrowerId: string, token = supervisor()) =>
  ops(token, 'GET', `/v1/ops/borrowers/${borrowerId}/export?partnerId=partner-a&reason=request%20R-17`);
const erase = (borrowerId: string, key: string) =>
  ops(
    supervisor(),
    'POST',
    `/v1/ops/borrowers/${borrowerId}/erase`,
    { partnerId: 'partner-a', reason: 'request R-17' },
    key,
  );

describe("borrowers' rights", { shuffle: false }, () => {
  let person: { borrowerId: string; applicationId: string };
  let loanId: string;
  let other: { borrowerId: string; applicationId: string };

  beforeAll(async () => {
    person = await applicant('+8613900000055', 'person@example.com');
    other = await applicant(OTHER_PHONE, 'other@example.com');
    const booked = await api.request('POST', '/v1/loans', { body: { applicationId: person.applicationId } });
    expect(booked.status).toBe(201);
    loanId = booked.body.loanId;
    await api.request('POST', '/v1/loans', { body: { applicationId: other.applicationId } });
  });

  it("exports the person's data decrypted, their decision and loan, and nothing of anyone else", async () => {
    const exported = await exportOf(person.borrowerId);
    expect(exported.status).toBe(200);
    expect(exported.body.person).toMatchObject({
      partnerId: 'partner-a',
      borrowerId: person.borrowerId,
      name: application.applicant.name,
      phone: '+8613900000055',
      email: 'person@example.com',
    });
    expect(exported.body.applications.map((a: { applicationId: string }) => a.applicationId)).toEqual([
      person.applicationId,
    ]);
    expect(exported.body.loans.map((l: { loan: { loanId: string } }) => l.loan.loanId)).toEqual([loanId]);
    expect(exported.body.loans[0].installments.length).toBeGreaterThan(0);
    const text = JSON.stringify(exported.body);
    for (const foreign of [other.borrowerId, other.applicationId, OTHER_PHONE, 'other@example.com'])
      expect(text).not.toContain(foreign);
  });

  it('is for supervisors only (403 for an agent), and answers 404 for a person the partner does not have', async () => {
    expect((await exportOf(person.borrowerId, agent())).status).toBe(403);
    expect((await exportOf('nobody-here')).status).toBe(404);
    expect(
      (
        await ops(agent(), 'POST', `/v1/ops/borrowers/${person.borrowerId}/erase`, {
          partnerId: 'partner-a',
          reason: 'x',
        })
      ).status,
    ).toBe(403);
  });

  it('refuses to erase while a loan is open, naming it, and changes nothing', async () => {
    const before = await exportOf(person.borrowerId);
    const refused = await erase(person.borrowerId, 'erase-early');
    expect(refused).toMatchObject({ status: 409, body: { error: 'loans_not_closed' } });
    expect(refused.body.message).toContain(loanId);
    const after = await exportOf(person.borrowerId);
    expect(after.body.person).toEqual(before.body.person);
  });

  it('erases once the loan is repaid: the person is gone, the decision, loan, payments and contact lines stay', async () => {
    const loan = await api.request('GET', `/v1/loans/${loanId}`);
    const owed: number = loan.body.outstanding.total;
    const paid = await api.request('POST', `/v1/loans/${loanId}/payments`, {
      body: { paymentId: 'pay-all', amount: owed, paidAt: api.clock.now().toISOString() },
    });
    expect(paid.status).toBe(201);
    expect((await api.request('GET', `/v1/loans/${loanId}`)).body.status).toBe('paid_off');
    const before = await exportOf(person.borrowerId);

    const erased = await erase(person.borrowerId, 'erase-1');
    expect(erased).toMatchObject({
      status: 200,
      body: {
        partnerId: 'partner-a',
        borrowerId: person.borrowerId,
        erasedAt: api.clock.now().toISOString(),
        kept: { applications: 1, loans: 1, payments: 1, contacts: before.body.loans[0].contacts.length },
      },
    });
    const after = await exportOf(person.borrowerId);
    expect(after.body.person).not.toHaveProperty('name');
    expect(after.body.person).not.toHaveProperty('phone');
    expect(after.body.person).not.toHaveProperty('email');
    expect(after.body.person).not.toHaveProperty('birthDate');
    expect(after.body.person.erasedAt).toBe(api.clock.now().toISOString());
    expect(JSON.stringify(after.body)).not.toContain('+8613900000055');
    expect(after.body.applications).toEqual(before.body.applications);
    expect(after.body.loans).toEqual(before.body.loans);
    // The number no longer finds the person: a reply from it names nobody.
    const { repos, keys } = api.stack.deps;
    expect(await repos.borrowers.findByPhoneHash(keys.hashPhone('+8613900000055'))).toEqual([]);
    await handleInboundSms(api.stack.deps, {
      messageId: 'after-erase',
      from: '+8613900000055',
      body: 'hello',
    });
    const listed = await ops(agent(), 'GET', '/v1/ops/complaints');
    expect(listed.body.complaints.at(-1).borrowers).toEqual([]);
    // A second request finds it done, and writes no second audit record.
    const again = await erase(person.borrowerId, 'erase-2');
    expect(again.body.erasedAt).toBe(erased.body.erasedAt);
  });

  it('audits each export and the erasure, with the reason and no personal data', async () => {
    const trail = await api.stack.deps.borrowerRights.listAudit('partner-a', person.borrowerId);
    const actions = trail.map((a) => a.action);
    expect(actions.filter((a) => a === 'borrower.erase')).toHaveLength(1);
    expect(actions.filter((a) => a === 'borrower.export').length).toBeGreaterThanOrEqual(4);
    for (const record of trail) {
      expect(record).toMatchObject({
        userId: 'supervisor-9',
        reason: 'request R-17',
        partnerId: 'partner-a',
      });
      expect(JSON.stringify(record)).not.toMatch(/\+86|@example|李华/);
    }
  });

  it('refuses bad input with the field at fault (400), a reason with personal data (422), a partner key (401) and a body that is not JSON (415)', async () => {
    const path = `/v1/ops/borrowers/${other.borrowerId}`;
    expect(await ops(supervisor(), 'GET', `${path}/export?reason=x`)).toMatchObject({
      status: 400,
      body: { issues: [{ path: 'partnerId' }] },
    });
    const personal = await ops(
      supervisor(),
      'GET',
      `${path}/export?partnerId=partner-a&reason=call%2013912345678`,
    );
    expect(personal).toMatchObject({ status: 422, body: { issues: [{ path: 'reason' }] } });
    const personalErase = await ops(supervisor(), 'POST', `${path}/erase`, {
      partnerId: 'partner-a',
      reason: 'mail x@y.cn',
    });
    expect(personalErase).toMatchObject({ status: 422, body: { issues: [{ path: 'reason' }] } });
    expect((await ops(supervisor(), 'POST', `${path}/erase`, { partnerId: 'partner-a' })).status).toBe(400);
    expect(
      (
        await ops(supervisor(), 'POST', `/v1/ops/borrowers/nobody/erase`, {
          partnerId: 'partner-a',
          reason: 'r',
        })
      ).status,
    ).toBe(404);
    expect((await api.request('GET', `${path}/export?partnerId=partner-a&reason=r`)).status).toBe(401);
    expect(
      (await api.request('POST', `${path}/erase`, { body: { partnerId: 'partner-a', reason: 'r' } })).status,
    ).toBe(401);
    const notJson = await api.request('POST', `${path}/erase`, {
      apiKey: null,
      rawBody: 'x=1',
      headers: { authorization: `Bearer ${supervisor()}`, 'content-type': 'text/plain' },
    });
    expect(notJson.status).toBe(415);
    expect((await exportOf(other.borrowerId)).body.person.phone).toBe(OTHER_PHONE);
  });

  it('saw every status the document names for these routes, but the throttle (429), 413 and 500', () => {
    const operations = ['opsExportBorrower', 'opsEraseBorrower'];
    const unseen = unseenStatuses(api, operations);
    expect(unseen).toEqual([]);
  });
});
