import { describe, expect, it, vi } from 'vitest';
import { defaultRules, loadRules, type Rules } from '#shared/config/rules.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import { outstanding } from '#shared/lending/allocation.ts';
import type { ContactKey } from '#shared/ports/records.ts';
import { processContactJob, processContactJobs } from '#shared/reminders/send-contact.ts';
import { sweepReminders } from '#shared/reminders/sweep.ts';
import type { ContactJob } from '#shared/schemas/contact-job.ts';
import { applyPayment } from '#shared/servicing/apply-payment.ts';
import { addBorrower, addLoan, eventsOf, type Harness, harness, nineAm, type Person } from './harness.ts';

const PHONE = '+8613700000001';
const EMAIL = 'a@example.com';
const DUE = '2027-06-10';

/** The ledger key of a loan's first installment due 2027-06-10, at a stage and channel. */
const key = (loanId: string, stage: string, channel: 'sms' | 'email'): ContactKey => ({
  loanId,
  installmentNo: 1,
  occurrence: DUE,
  stage,
  channel,
});

/**
 * A harness at 09:00 on `businessDate` whose borrower u1 (partner p1, zh-CN, Shanghai) has the given
 * loans due 2027-06-10, swept for that date: the jobs the sweep queued, in queue order.
 */
async function swept(
  businessDate: string,
  options: { loans?: string[]; person?: Partial<Person>; rules?: Rules } = {},
): Promise<{ h: Harness; jobs: ContactJob[] }> {
  const h = harness(nineAm(businessDate), options.rules ?? defaultRules);
  const u1 = await addBorrower(h, { borrowerId: 'u1', phone: PHONE, email: EMAIL, ...options.person });
  for (const loanId of options.loans ?? ['L1']) await addLoan(h, loanId, u1);
  await sweepReminders(h, businessDate);
  h.events.events.length = 0; // what the booking and the sweep published is not what these tests look at
  return { h, jobs: h.queue.jobs };
}

function jobOf(jobs: ContactJob[], channel: 'sms' | 'email'): ContactJob {
  const job = jobs.find((j) => j.channel === channel);
  if (!job) throw new Error(`no ${channel} job was queued`);
  return job;
}

describe('processContactJobs', () => {
  describe('sending', () => {
    it('sends one message per job, covering every installment of the job', async () => {
      const { h, jobs } = await swept(DUE, { loans: ['La', 'Lb'] });
      expect(jobs.map((j) => j.channel)).toEqual(['email', 'sms']);
      const outcomes = await processContactJobs(h, jobs);
      expect(outcomes).toEqual([
        { kind: 'done', sent: 2 },
        { kind: 'done', sent: 2 },
      ]);
      expect(h.sender.sent.map((m) => [m.channel, m.to])).toEqual([
        ['email', EMAIL],
        ['sms', PHONE],
      ]);
      const sms = h.sender.sent[1];
      expect(sms?.body).toContain('Demo Loans');
      expect(sms?.body.match(/应还/g)).toHaveLength(2);
      expect(sms?.from).toBe(h.rules.contact.smsSenderId);
      expect(h.sender.sent[0]?.from).toBe(h.rules.contact.emailFrom);
    });

    it("records every installment as sent in the ledger with the carrier's message id", async () => {
      const { h, jobs } = await swept(DUE, { loans: ['La', 'Lb'] });
      await processContactJob(h, jobOf(jobs, 'sms'));
      for (const loanId of ['La', 'Lb']) {
        expect(await h.repos.contacts.get(key(loanId, 'D0', 'sms'))).toMatchObject({
          status: 'sent',
          messageId: 'msg-1',
          sentAt: nineAm(DUE).toISOString(),
          attempts: 1,
        });
      }
      expect(await h.repos.contacts.get(key('La', 'D0', 'email'))).toBeUndefined();
    });

    it('writes a contact line per installment sent, with the address masked', async () => {
      const { h, jobs } = await swept(DUE, { loans: ['La', 'Lb'] });
      await processContactJob(h, jobOf(jobs, 'sms'));
      expect(h.log.lines.map((l) => [l.loanId, l.stage, l.channel, l.status])).toEqual([
        ['La', 'D0', 'sms', 'sent'],
        ['Lb', 'D0', 'sms', 'sent'],
      ]);
      for (const line of h.log.lines) {
        expect(line.to).toBe('+86137****0001'); // PHONE masked
        expect(line.at).toBe('2027-06-10T09:00:00+08:00');
      }
      h.log.lines.length = 0;
      await processContactJob(h, jobOf(jobs, 'email'));
      expect(h.log.lines.map((l) => [l.channel, l.status])).toEqual([
        ['email', 'sent'],
        ['email', 'sent'],
      ]);
      for (const line of h.log.lines) expect(line.to).toMatch(/^[^*@]\*\*\*@[^*]+$/); // an email masked
    });

    it("claims a batch's contacts together (people apart) before anything is sent", async () => {
      const h = harness(nineAm('2027-06-09'));
      const u1 = await addBorrower(h, { borrowerId: 'u1' });
      const u2 = await addBorrower(h, { borrowerId: 'u2', idNumber: '110101199003071233' });
      await addLoan(h, 'La', u1);
      await addLoan(h, 'Lb', u1);
      await addLoan(h, 'Lc', u2);
      await sweepReminders(h, '2027-06-09'); // D-1: one SMS job per person
      const claimAll = vi.spyOn(h.repos.contacts, 'claimAll');
      const claim = vi.spyOn(h.repos.contacts, 'claim');
      const sendSms = vi.spyOn(h.sender, 'sendSms');
      await processContactJobs(h, h.queue.jobs);
      expect(claimAll).toHaveBeenCalledTimes(1);
      expect(claimAll.mock.calls[0]?.[0].map((j) => j.keys.map((k) => k.loanId)).sort()).toEqual([
        ['La', 'Lb'],
        ['Lc'],
      ]);
      expect(claim).not.toHaveBeenCalled();
      expect(sendSms).toHaveBeenCalledTimes(2);
      expect(claimAll.mock.invocationCallOrder[0]).toBeLessThan(sendSms.mock.invocationCallOrder[0] ?? 0);
    });

    it("sends a batch's jobs for different people at once, and one person's jobs one after another", async () => {
      const h = harness(nineAm(DUE));
      const u1 = await addBorrower(h, { borrowerId: 'u1', phone: PHONE, email: EMAIL });
      const u2 = await addBorrower(h, {
        borrowerId: 'u2',
        idNumber: '110101199003071233',
        phone: '+8613700000002',
        email: 'b@example.com',
      });
      await addLoan(h, 'La', u1);
      await addLoan(h, 'Lb', u2);
      await sweepReminders(h, DUE); // D0: SMS and email to each person
      // The carrier holds each message until told to answer, and counts those it holds at once.
      const held: (() => void)[] = [];
      let mostAtOnce = 0;
      const holding =
        <A extends unknown[]>(send: (...args: A) => Promise<string>) =>
        async (...args: A) => {
          await new Promise<void>((answer) => held.push(answer));
          return send(...args);
        };
      h.sender.sendSms = holding(h.sender.sendSms.bind(h.sender));
      h.sender.sendEmail = holding(h.sender.sendEmail.bind(h.sender));
      const done = processContactJobs(h, h.queue.jobs);
      for (let round = 0; round < 20; round++) {
        await new Promise((r) => setImmediate(r));
        mostAtOnce = Math.max(mostAtOnce, held.length);
        for (const answer of held.splice(0)) answer();
      }
      const outcomes = await done;
      // Two people: two messages in flight together, never a person's two channels at once.
      expect(mostAtOnce).toBe(2);
      expect(outcomes).toEqual(h.queue.jobs.map(() => ({ kind: 'done', sent: 1 })));
      // Each person's email (first in batch order) went before their SMS.
      for (const person of [u1, u2]) {
        const theirs = h.queue.jobs.filter((j) => j.borrowerId === person.borrowerId);
        expect(theirs.map((j) => j.channel)).toEqual(['email', 'sms']);
      }
      expect(h.sender.sent.map((m) => m.channel)).toEqual(['email', 'email', 'sms', 'sms']);
    });

    it('sends one job at a time when the deps ask for it (the simulator)', async () => {
      const h = harness(nineAm('2027-06-09'));
      for (const n of ['001', '002', '003']) {
        const person = await addBorrower(h, {
          borrowerId: `u${n}`,
          idNumber: withCheckChar(`31010419900101${n}`),
          phone: `+8613700001${n}`,
        });
        await addLoan(h, `L${n}`, person);
      }
      await sweepReminders(h, '2027-06-09'); // D-1: one SMS job per person
      let inFlight = 0;
      let mostAtOnce = 0;
      const send = h.sender.sendSms.bind(h.sender);
      h.sender.sendSms = async (...args) => {
        mostAtOnce = Math.max(mostAtOnce, ++inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        return send(...args);
      };
      await processContactJobs({ ...h, sendConcurrency: 1 }, h.queue.jobs);
      expect(h.sender.sent).toHaveLength(3);
      expect(mostAtOnce).toBe(1);
    });

    it('claims the rest together again when one job of the batch cannot be claimed, and leaves that one alone', async () => {
      const h = harness(nineAm('2027-06-09'));
      const people = [
        await addBorrower(h, {
          borrowerId: 'u1',
          idNumber: withCheckChar('31010419900101001'),
          phone: '+8613700001001',
        }),
        await addBorrower(h, {
          borrowerId: 'u2',
          idNumber: withCheckChar('31010419900101002'),
          phone: '+8613700001002',
        }),
        await addBorrower(h, {
          borrowerId: 'u3',
          idNumber: withCheckChar('31010419900101003'),
          phone: '+8613700001003',
        }),
      ];
      for (const [i, person] of people.entries()) await addLoan(h, `L${i + 1}`, person);
      await sweepReminders(h, '2027-06-09'); // D-1: one SMS job per person
      const sms = h.queue.jobs.filter((j) => j.channel === 'sms');
      // Another delivery of u2's job holds its claim.
      await h.repos.contacts.claim(key('L2', 'D-1', 'sms'), h.clock.now(), h.rules.contact.claimLeaseSeconds);
      const claimAll = vi.spyOn(h.repos.contacts, 'claimAll');
      const outcomes = await processContactJobs(h, sms);
      const loansOf = (call: number) => claimAll.mock.calls[call]?.[0].map((j) => j.keys[0]?.loanId).sort();
      expect(claimAll).toHaveBeenCalledTimes(2);
      expect(loansOf(0)).toEqual(['L1', 'L2', 'L3']);
      expect(loansOf(1)).toEqual(['L1', 'L3']);
      expect(h.sender.sent.map((m) => m.to).sort()).toEqual(['+8613700001001', '+8613700001003']);
      expect(outcomes.filter((o) => o.kind === 'retry-at')).toHaveLength(1);
    });

    it('claims together no more than the 100 items a transaction takes; the jobs past it go one by one', async () => {
      const h = harness(nineAm('2027-06-09'));
      // 11 people with 9 loans each: a job claims 9 installments and 1 daily slot, 10 items.
      for (let p = 0; p < 11; p++) {
        const n = String(p).padStart(3, '0');
        const person = await addBorrower(h, {
          borrowerId: `u${n}`,
          idNumber: withCheckChar(`31010419900101${n}`),
          phone: `+8613700001${n}`,
        });
        for (let l = 0; l < 9; l++) await addLoan(h, `L${n}-${l}`, person);
      }
      await sweepReminders(h, '2027-06-09'); // D-1: one SMS job per person
      const sms = h.queue.jobs.filter((j) => j.channel === 'sms');
      expect(sms).toHaveLength(11);
      const claimAll = vi.spyOn(h.repos.contacts, 'claimAll');
      const claim = vi.spyOn(h.repos.contacts, 'claim');
      await processContactJobs(h, sms);
      expect(claimAll).toHaveBeenCalledTimes(1);
      // Exactly 10 jobs (100 items) together; the eleventh claims its 9 installments one by one.
      expect(claimAll.mock.calls[0]?.[0]).toHaveLength(10);
      expect(claim).toHaveBeenCalledTimes(9);
      expect(h.sender.sent).toHaveLength(11);
    });

    it('sends nothing more when the same job is delivered again', async () => {
      const { h, jobs } = await swept(DUE);
      await processContactJobs(h, jobs);
      h.clock.advance(60_000);
      expect(await processContactJobs(h, jobs)).toEqual([
        { kind: 'done', sent: 0 },
        { kind: 'done', sent: 0 },
      ]);
      expect(h.sender.sent).toHaveLength(2);
      expect(await h.repos.contacts.get(key('L1', 'D0', 'sms'))).toMatchObject({
        status: 'sent',
        attempts: 1,
      });
    });

    it('sends nothing, and takes no daily slot, when another delivery finished the job after it was planned', async () => {
      const { h, jobs } = await swept(DUE);
      vi.spyOn(h.repos.contacts, 'claim').mockResolvedValue('already-sent');
      const reserve = vi.spyOn(h.repos.contacts, 'reserveDailySlot');
      expect(await processContactJob(h, jobOf(jobs, 'sms'))).toEqual({ kind: 'done', sent: 0 });
      expect(h.sender.sent).toEqual([]);
      expect(reserve).not.toHaveBeenCalled();
      expect(h.log.lines).toEqual([]);
    });

    it('sends the installments still open when another delivery already sent one of the job', async () => {
      const { h, jobs } = await swept(DUE, { loans: ['La', 'Lb'] });
      vi.spyOn(h.repos.contacts, 'claim').mockResolvedValueOnce('already-sent'); // La's, then the store's answers
      expect(await processContactJob(h, jobOf(jobs, 'sms'))).toEqual({ kind: 'done', sent: 1 });
      expect(h.sender.sent).toHaveLength(1);
      expect(h.log.lines.map((l) => [l.loanId, l.status])).toEqual([['Lb', 'sent']]);
    });

    it('sends nothing while another delivery holds the claim, and asks to retry after its lease', async () => {
      const { h, jobs } = await swept(DUE);
      const lease = h.rules.contact.claimLeaseSeconds;
      await h.repos.contacts.claim(key('L1', 'D0', 'sms'), h.clock.now(), lease);
      const outcome = await processContactJob(h, jobOf(jobs, 'sms'));
      expect(outcome).toEqual({
        kind: 'retry-at',
        at: new Date(h.clock.now().getTime() + lease * 1000 + 1000),
      });
      expect(h.sender.sent).toEqual([]);
    });

    it('drops an installment paid since the sweep', async () => {
      const { h, jobs } = await swept(DUE);
      const inst = (await h.repos.loans.getLoanWithInstallments('L1'))?.installments[0];
      if (!inst) throw new Error('L1 has no installment');
      await applyPayment(h, 'p1', 'L1', {
        paymentId: 'pay-1',
        amount: outstanding(inst).total,
        paidAt: h.clock.now().toISOString(),
      });
      expect(await processContactJob(h, jobOf(jobs, 'sms'))).toEqual({ kind: 'done', sent: 0 });
      expect(h.sender.sent).toEqual([]);
      expect(await h.repos.contacts.get(key('L1', 'D0', 'sms'))).toBeUndefined();
    });
  });

  describe('a carrier failure', () => {
    it('marks the claim failed and throws from processContactJob', async () => {
      const { h, jobs } = await swept(DUE);
      h.sender.failNext(Object.assign(new Error('carrier error'), { name: 'InternalErrorException' }));
      await expect(processContactJob(h, jobOf(jobs, 'sms'))).rejects.toThrow('carrier error');
      expect(await h.repos.contacts.get(key('L1', 'D0', 'sms'))).toMatchObject({
        status: 'failed',
        failure: 'InternalErrorException',
      });
      expect(h.log.lines).toEqual([]);
    });

    it("records 'SendFailed' for an error that has no name", async () => {
      const { h, jobs } = await swept(DUE);
      h.sender.failNext(Object.assign(new Error('no name'), { name: '' }));
      await expect(processContactJob(h, jobOf(jobs, 'sms'))).rejects.toThrow('no name');
      expect(await h.repos.contacts.get(key('L1', 'D0', 'sms'))).toMatchObject({
        status: 'failed',
        failure: 'SendFailed',
      });
    });

    it('throws from processContactJob when the address cannot be decrypted, having claimed nothing', async () => {
      const { h, jobs } = await swept(DUE);
      vi.spyOn(h.keys, 'decrypt').mockRejectedValue(new Error('key service down'));
      await expect(processContactJob(h, jobOf(jobs, 'sms'))).rejects.toThrow('key service down');
      expect(h.sender.sent).toEqual([]);
      expect(await h.repos.contacts.get(key('L1', 'D0', 'sms'))).toBeUndefined();
    });

    it('is reported as failed for its job alone in a batch', async () => {
      const { h, jobs } = await swept(DUE);
      h.sender.failNext(new Error('down')); // the first send: the email job
      const outcomes = await processContactJobs(h, jobs);
      expect(outcomes[0]).toMatchObject({ kind: 'failed' });
      expect(outcomes[1]).toEqual({ kind: 'done', sent: 1 });
    });

    it('is sent once by the retry', async () => {
      const { h, jobs } = await swept(DUE);
      h.sender.failNext(new Error('down'));
      await expect(processContactJob(h, jobOf(jobs, 'sms'))).rejects.toThrow('down');
      h.clock.advance(1000);
      expect(await processContactJob(h, jobOf(jobs, 'sms'))).toEqual({ kind: 'done', sent: 1 });
      expect(h.sender.sent).toHaveLength(1);
      expect(await h.repos.contacts.get(key('L1', 'D0', 'sms'))).toMatchObject({
        status: 'sent',
        attempts: 2,
      });
    });
  });

  describe('a number the carrier refuses', () => {
    const refused = () => Object.assign(new Error('number refused'), { name: 'NumberRefused' });

    it('warns UNDELIVERABLE once on each loan of the message, marks the number and suppresses the contacts', async () => {
      const { h, jobs } = await swept(DUE, { loans: ['La', 'Lb'] });
      h.sender.failNext(refused());
      expect(await processContactJob(h, jobOf(jobs, 'sms'))).toEqual({ kind: 'done', sent: 0 });
      const warned = eventsOf(h, 'EarlyWarningRaised').map((e) => [e.detail.loanId, e.detail.code]);
      expect(warned).toEqual([
        ['La', 'UNDELIVERABLE'],
        ['Lb', 'UNDELIVERABLE'],
      ]);
      expect((await h.repos.borrowers.get('p1', 'u1'))?.wrongNumber).toEqual({
        since: nineAm(DUE).toISOString(),
        phoneHash: h.keys.hashPhone(PHONE),
      });
      for (const loanId of ['La', 'Lb'])
        expect(await h.repos.contacts.get(key(loanId, 'D0', 'sms'))).toMatchObject({
          status: 'suppressed',
          failure: 'undeliverable',
        });
      expect(eventsOf(h, 'ContactSuppressed').map((e) => e.detail.reason)).toEqual([
        'undeliverable',
        'undeliverable',
      ]);
    });

    it('raises nothing more when the job comes again, and lets email go on', async () => {
      const { h, jobs } = await swept(DUE);
      h.sender.failNext(refused());
      await processContactJobs(
        h,
        jobs.filter((j) => j.channel === 'sms'),
      );
      await processContactJobs(h, jobs);
      expect(eventsOf(h, 'EarlyWarningRaised')).toHaveLength(1);
      expect(h.sender.sent.map((m) => m.channel)).toEqual(['email']);
    });

    it('warns nothing on a loan past grace (the ladder has it), yet marks the number', async () => {
      const pastGrace = '2027-06-20';
      const h = harness(nineAm(pastGrace));
      const u1 = await addBorrower(h, { borrowerId: 'u1', phone: PHONE });
      await addLoan(h, 'L1', u1);
      const job: ContactJob = {
        jobId: `${pastGrace}|p1|u1|D+7|sms|L1`,
        businessDate: pastGrace,
        partnerId: 'p1',
        borrowerId: 'u1',
        stage: 'D+7',
        offsetDays: 7,
        channel: 'sms',
        items: [{ loanId: 'L1', installmentNo: 1, dueDate: DUE }],
      };
      h.sender.failNext(refused());
      expect(await processContactJob(h, job)).toEqual({ kind: 'done', sent: 0 });
      expect(eventsOf(h, 'EarlyWarningRaised')).toEqual([]);
      expect((await h.repos.borrowers.get('p1', 'u1'))?.wrongNumber).toBeDefined();
    });

    it('is an ordinary failure on email: retried, nothing marked', async () => {
      const { h, jobs } = await swept(DUE);
      h.sender.failNext(refused());
      await expect(processContactJob(h, jobOf(jobs, 'email'))).rejects.toThrow('number refused');
      expect((await h.repos.borrowers.get('p1', 'u1'))?.wrongNumber).toBeUndefined();
      expect(eventsOf(h, 'EarlyWarningRaised')).toEqual([]);
    });
  });

  describe('a borrower with no address on the channel', () => {
    it('suppresses the job with no_address, and its contact line names no address', async () => {
      const { h, jobs } = await swept(DUE, { person: { email: undefined } });
      expect(await processContactJob(h, jobOf(jobs, 'email'))).toEqual({ kind: 'done', sent: 0 });
      expect(h.sender.sent).toEqual([]);
      expect(h.log.lines).toMatchObject([
        { channel: 'email', status: 'suppressed', reason: 'no_address', to: '' },
      ]);
    });
  });

  describe('an opted-out channel', () => {
    it('records no suppression for a contact another delivery decided after this one was planned', async () => {
      const { h, jobs } = await swept(DUE, { person: { optOut: ['sms'] } });
      vi.spyOn(h.repos.contacts, 'claim').mockResolvedValue('already-sent');
      const markSuppressed = vi.spyOn(h.repos.contacts, 'markSuppressed');
      expect(await processContactJob(h, jobOf(jobs, 'sms'))).toEqual({ kind: 'done', sent: 0 });
      expect(markSuppressed).not.toHaveBeenCalled();
      expect(h.log.lines).toEqual([]);
      expect(h.events.events).toEqual([]);
    });

    it('is suppressed for good in the ledger, and nothing is sent on it', async () => {
      const { h, jobs } = await swept(DUE, { person: { optOut: ['sms'] } });
      expect(await processContactJob(h, jobOf(jobs, 'sms'))).toEqual({ kind: 'done', sent: 0 });
      expect(h.sender.sent).toEqual([]);
      expect(await h.repos.contacts.get(key('L1', 'D0', 'sms'))).toMatchObject({
        status: 'suppressed',
        failure: 'opted_out',
      });
    });

    it('publishes ContactSuppressed and writes a suppressed contact line', async () => {
      const { h, jobs } = await swept(DUE, { person: { optOut: ['sms'] } });
      await processContactJob(h, jobOf(jobs, 'sms'));
      expect(eventsOf(h, 'ContactSuppressed')).toEqual([
        {
          type: 'ContactSuppressed',
          at: nineAm(DUE).toISOString(),
          detail: {
            loanId: 'L1',
            partnerId: 'p1',
            borrowerId: 'u1',
            installmentNo: 1,
            stage: 'D0',
            channel: 'sms',
            reason: 'opted_out',
          },
        },
      ]);
      expect(h.log.lines).toMatchObject([{ loanId: 'L1', status: 'suppressed', reason: 'opted_out' }]);
    });

    it('leaves the channels not opted out to go out', async () => {
      const { h, jobs } = await swept(DUE, { person: { optOut: ['sms'] } });
      await processContactJobs(h, jobs);
      expect(h.sender.sent.map((m) => m.channel)).toEqual(['email']);
    });
  });

  describe('a channel without consent', () => {
    it('suppresses sms without consent to sms with no_consent: ledger, contact line and event; email still goes', async () => {
      const { h, jobs } = await swept(DUE, { person: { consents: { contactBySms: false } } });
      await processContactJobs(h, jobs);
      expect(h.sender.sent.map((m) => m.channel)).toEqual(['email']);
      expect(await h.repos.contacts.get(key('L1', 'D0', 'sms'))).toMatchObject({
        status: 'suppressed',
        failure: 'no_consent',
      });
      // Suppressions are recorded as the batch is planned, before anything is sent.
      expect(h.log.lines.map((l) => [l.channel, l.status, l.reason])).toEqual([
        ['sms', 'suppressed', 'no_consent'],
        ['email', 'sent', undefined],
      ]);
      expect(eventsOf(h, 'ContactSuppressed').map((e) => e.detail)).toEqual([
        expect.objectContaining({ loanId: 'L1', channel: 'sms', reason: 'no_consent' }),
      ]);
    });

    it('suppresses email without consent to email with no_consent: ledger, contact line and event; sms still goes', async () => {
      const { h, jobs } = await swept(DUE, { person: { consents: { contactByEmail: false } } });
      await processContactJobs(h, jobs);
      expect(h.sender.sent.map((m) => m.channel)).toEqual(['sms']);
      expect(await h.repos.contacts.get(key('L1', 'D0', 'email'))).toMatchObject({
        status: 'suppressed',
        failure: 'no_consent',
      });
      expect(h.log.lines.map((l) => [l.channel, l.status, l.reason])).toEqual([
        ['email', 'suppressed', 'no_consent'],
        ['sms', 'sent', undefined],
      ]);
      expect(eventsOf(h, 'ContactSuppressed').map((e) => e.detail)).toEqual([
        expect.objectContaining({ loanId: 'L1', channel: 'email', reason: 'no_consent' }),
      ]);
    });

    it('follows a consent changed after the sweep: withdrawn, the queued job is suppressed; given again, the next stage goes', async () => {
      const { h, jobs } = await swept('2027-06-07');
      const u1 = await h.repos.borrowers.get('p1', 'u1');
      if (!u1) throw new Error('no borrower u1');
      const withSms = (contactBySms: boolean) => ({
        ...u1.preferences,
        consents: { ...u1.preferences.consents, contactBySms },
      });
      await h.repos.borrowers.setPreferences('p1', 'u1', withSms(false), nineAm('2027-06-07').toISOString());
      await processContactJob(h, jobOf(jobs, 'sms'));
      expect(h.sender.sent).toEqual([]);
      expect(await h.repos.contacts.get(key('L1', 'D-3', 'sms'))).toMatchObject({ failure: 'no_consent' });

      await h.repos.borrowers.setPreferences('p1', 'u1', withSms(true), nineAm('2027-06-08').toISOString());
      h.clock.set(nineAm('2027-06-09'));
      h.queue.batches.length = 0;
      await sweepReminders(h, '2027-06-09');
      await processContactJob(h, jobOf(h.queue.jobs, 'sms'));
      expect(h.sender.sent.map((m) => m.channel)).toEqual(['sms']);
      expect(await h.repos.contacts.get(key('L1', 'D-1', 'sms'))).toMatchObject({ status: 'sent' });
    });
  });

  describe('outside the contact window', () => {
    /** 22:00 in Shanghai on the due date. */
    const late = new Date('2027-06-10T14:00:00.000Z');
    /** 08:00 in Shanghai the next morning, when the window opens. */
    const opens = new Date('2027-06-11T00:00:00.000Z');

    it('defers the job to when the window opens, sending and claiming nothing', async () => {
      const { h, jobs } = await swept(DUE);
      h.clock.set(late);
      expect(await processContactJob(h, jobOf(jobs, 'sms'))).toEqual({ kind: 'retry-at', at: opens });
      expect(h.sender.sent).toEqual([]);
      expect(await h.repos.contacts.get(key('L1', 'D0', 'sms'))).toBeUndefined();
      expect(h.log.lines).toMatchObject([{ status: 'deferred', reason: 'outside_contact_window' }]);
    });

    it('records a due-date reminder deferred past its day as missed_window instead of sending it the day after', async () => {
      const { h, jobs } = await swept(DUE);
      h.clock.set(late);
      await processContactJob(h, jobOf(jobs, 'sms'));
      h.clock.set(opens);
      expect(await processContactJob(h, jobOf(jobs, 'sms'))).toEqual({ kind: 'done', sent: 0 });
      expect(h.sender.sent).toHaveLength(0);
      expect(await h.repos.contacts.get(key('L1', 'D0', 'sms'))).toMatchObject({
        status: 'suppressed',
        failure: 'missed_window',
      });
    });
  });

  describe("the daily cap across one person's jobs", () => {
    const oneSmsADay = loadRules({ contact: { maxSmsPerBorrowerPerDay: 1 } });

    /** The same person (one ID number) as borrower u1 at partners p1 and p2, each with a loan due 06-10. */
    async function onePersonAtTwoPartners(h: Harness) {
      for (const partnerId of ['p1', 'p2']) {
        const b = await addBorrower(h, { partnerId, borrowerId: 'u1', phone: PHONE });
        await addLoan(h, `L-${partnerId}`, b);
      }
      await sweepReminders(h, '2027-06-09'); // D-1: one SMS job per partner
      h.events.events.length = 0;
      return h.queue.jobs;
    }

    it('lets the first job through and suppresses the second, in one batch', async () => {
      const h = harness(nineAm('2027-06-09'), oneSmsADay);
      const jobs = await onePersonAtTwoPartners(h);
      expect(jobs.map((j) => j.partnerId)).toEqual(['p1', 'p2']);
      expect(await processContactJobs(h, jobs)).toEqual([
        { kind: 'done', sent: 1 },
        { kind: 'done', sent: 0 },
      ]);
      expect(h.sender.sent).toHaveLength(1);
      expect(await h.repos.contacts.get(key('L-p2', 'D-1', 'sms'))).toMatchObject({
        status: 'suppressed',
        failure: 'daily_cap',
      });
      expect(eventsOf(h, 'ContactSuppressed').map((e) => [e.detail.loanId, e.detail.reason])).toEqual([
        ['L-p2', 'daily_cap'],
      ]);
    });

    it('suppresses the second when it arrives later in a batch with another person', async () => {
      const h = harness(nineAm('2027-06-09'), oneSmsADay);
      const jobs = await onePersonAtTwoPartners(h);
      const other = await addBorrower(h, {
        borrowerId: 'u2',
        idNumber: '110101199003071233',
        phone: '+8613700000002',
      });
      await addLoan(h, 'L-u2', other);
      const otherJob: ContactJob = { ...jobOf(jobs, 'sms'), jobId: 'job-u2', borrowerId: 'u2' };
      otherJob.items = [{ loanId: 'L-u2', installmentNo: 1, dueDate: DUE }];
      await processContactJob(h, jobs[0] as ContactJob);
      expect(await processContactJobs(h, [jobs[1] as ContactJob, otherJob])).toEqual([
        { kind: 'done', sent: 0 },
        { kind: 'done', sent: 1 },
      ]);
      expect(h.sender.sent.map((m) => m.to)).toEqual([PHONE, '+8613700000002']);
      expect(await h.repos.contacts.get(key('L-p2', 'D-1', 'sms'))).toMatchObject({ failure: 'daily_cap' });
      expect(await h.repos.contacts.get(key('L-u2', 'D-1', 'sms'))).toMatchObject({ status: 'sent' });
    });
  });

  describe('the rolling 7-day cap per loan', () => {
    it('sends about the loans under the cap and records the capped loan suppressed with weekly_cap', async () => {
      const D7 = '2027-06-17';
      const { h } = await swept(D7, { loans: ['La', 'Lb'] });
      // La was contacted 7 times in the last day (other stages): at the cap; Lb never.
      const now = h.clock.now();
      for (let k = 0; k < 7; k++) {
        const earlier = key('La', `earlier-${k}`, 'sms');
        const at = new Date(now.getTime() - 86_400_000 + k * 60_000);
        await h.repos.contacts.claim(earlier, at, 30);
        await h.repos.contacts.markSent(earlier, at, `m-${k}`);
      }
      const job: ContactJob = {
        jobId: `${D7}|p1|u1|D+7|sms`,
        businessDate: D7,
        partnerId: 'p1',
        borrowerId: 'u1',
        stage: 'D+7',
        offsetDays: 7,
        channel: 'sms',
        items: ['La', 'Lb'].map((loanId) => ({ loanId, installmentNo: 1, dueDate: DUE })),
      };
      expect(await processContactJobs(h, [job])).toEqual([{ kind: 'done', sent: 1 }]);
      expect(h.sender.sent).toHaveLength(1);
      expect(await h.repos.contacts.get(key('La', 'D+7', 'sms'))).toMatchObject({
        status: 'suppressed',
        failure: 'weekly_cap',
      });
      expect(await h.repos.contacts.get(key('Lb', 'D+7', 'sms'))).toMatchObject({ status: 'sent' });
    });
  });
});
