import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSendContactHandler } from '#functions/send-contact/send-contact-handler.ts';
import { createSweepHandler } from '#functions/sweep/sweep-handler.ts';
import { createSweepSliceHandler } from '#functions/sweep-slice/sweep-slice-handler.ts';
import { plainContext } from '#local/api-gateway-server.ts';
import { RecordingEventBus } from '#local/recording-event-bus.ts';
import { LoggedContactLog } from '#shared/adapters/aws/logged-contact-log.ts';
import { MeteredEventBus } from '#shared/observability/metered-event-bus.ts';
import { sweepReminders } from '#shared/reminders/sweep.ts';
import type { ContactJob, ContactLine } from '#shared/schemas/contact-job.ts';
import type { SweepSlice } from '#shared/schemas/sweep-slice.ts';
import { addBorrower, addLoan, harness, nineAm } from '../use-cases/harness.ts';

/** One EMF document as Powertools writes it, read back. */
interface Emf {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

let lines: string[];
beforeEach(() => {
  lines = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

const emitted = (): Emf[] =>
  lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Emf)
    .filter((o) => o._aws);

/** The EMF documents of one metric: its value and its dimensions by name. */
function metric(name: string): { value: unknown; dimensions: Record<string, unknown> }[] {
  return emitted()
    .filter((o) => o._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === name))
    .map((o) => {
      const [directive] = o._aws.CloudWatchMetrics;
      expect(directive?.Namespace).toBe('Duebell');
      const names = directive?.Dimensions[0] ?? [];
      return { value: o[name], dimensions: Object.fromEntries(names.map((d) => [d, o[d]])) };
    });
}

const newMetrics = () => new Metrics({ namespace: 'Duebell', serviceName: 'duebell' });
const PHONE = '+8613700000001';
const EMAIL = 'a@example.com';
/** Nothing that looks like a phone, an email or an ID number in any metric line. */
const expectNoPersonalData = () => {
  for (const line of lines) {
    expect(line).not.toContain(PHONE);
    expect(line).not.toContain(EMAIL);
    expect(line).not.toMatch(/\d{17}[\dX]/);
  }
};

describe('the domain events, counted as they are published (MeteredEventBus)', () => {
  it('emits DomainEvents by type, EscalationRungsTaken by rung, payment and recovered amounts', async () => {
    const inner = new RecordingEventBus();
    const bus = new MeteredEventBus(inner, newMetrics());
    const at = '2027-06-20T01:00:00.000Z';
    await bus.publish([
      { type: 'EscalationStarted', at, detail: { loanId: 'L1', episode: 1, rung: 'D+4' } },
      { type: 'EscalationStepTaken', at, detail: { loanId: 'L2', episode: 1, rung: 'D+7' } },
      { type: 'EscalationStepTaken', at, detail: { loanId: 'L3', episode: 1, rung: 'D+7' } },
      { type: 'PaymentReceived', at, detail: { loanId: 'L1', amount: 5000, daysPastDueBefore: 0 } },
      { type: 'PaymentReceived', at, detail: { loanId: 'L2', amount: 7000, daysPastDueBefore: 31 } },
      { type: 'LoanCured', at, detail: { loanId: 'L2' } },
    ]);
    expect(inner.events).toHaveLength(6);
    expect(metric('DomainEvents')).toEqual(
      expect.arrayContaining([
        { value: 1, dimensions: { service: 'duebell', type: 'EscalationStarted' } },
        { value: 2, dimensions: { service: 'duebell', type: 'EscalationStepTaken' } },
        { value: 2, dimensions: { service: 'duebell', type: 'PaymentReceived' } },
        { value: 1, dimensions: { service: 'duebell', type: 'LoanCured' } },
      ]),
    );
    expect(metric('EscalationRungsTaken')).toEqual([
      { value: 1, dimensions: { service: 'duebell', rung: 'D+4' } },
      { value: 2, dimensions: { service: 'duebell', rung: 'D+7' } },
    ]);
    expect(metric('PaymentAmount')).toEqual([{ value: 12_000, dimensions: { service: 'duebell' } }]);
    expect(metric('RecoveredAmount')).toEqual([{ value: 7000, dimensions: { service: 'duebell' } }]);
  });

  it('emits EarlyWarnings by signal code, and no id or person in its dimensions', async () => {
    const bus = new MeteredEventBus(new RecordingEventBus(), newMetrics());
    const at = '2027-06-20T01:00:00.000Z';
    const raised = (loanId: string, code: string) => ({
      type: 'EarlyWarningRaised' as const,
      at,
      detail: { loanId, partnerId: 'p1', borrowerId: 'u1', code, occurrence: 'x', raisedOn: '2027-06-20' },
    });
    await bus.publish([
      raised('L1', 'PARTIAL_PAYMENT'),
      raised('L2', 'PARTIAL_PAYMENT'),
      raised('L3', 'UNDELIVERABLE'),
    ]);
    expect(metric('EarlyWarnings')).toEqual([
      { value: 2, dimensions: { service: 'duebell', code: 'PARTIAL_PAYMENT' } },
      { value: 1, dimensions: { service: 'duebell', code: 'UNDELIVERABLE' } },
    ]);
  });

  it('counts nothing when the events did not go out', async () => {
    const failing = { publish: vi.fn(async () => Promise.reject(new Error('PutEvents failed'))) };
    const bus = new MeteredEventBus(failing, newMetrics());
    await expect(bus.publish([{ type: 'LoanBooked', at: 'x', detail: {} }])).rejects.toThrow();
    expect(emitted()).toEqual([]);
  });
});

/** A contact decision as the sender records it, with the fields a test changes. */
const line = (change: Partial<ContactLine>): ContactLine => ({
  at: '2027-06-10T09:00:00+08:00',
  borrowerId: 'u1',
  loanId: 'L1',
  installmentNo: 1,
  stage: 'D0',
  channel: 'sms',
  to: '+86137****0001',
  templateId: 'D0-sms',
  language: 'zh-CN',
  status: 'sent',
  ...change,
});

describe('the contact decisions (LoggedContactLog)', () => {
  it('emits ContactDecisions by status, stage and channel, suppressions by reason and tasks opened', async () => {
    const log = new LoggedContactLog(new Logger({ logLevel: 'SILENT' }), newMetrics());
    await log.record([
      line({}),
      line({ status: 'suppressed', reason: 'opted_out', channel: 'email' }),
      line({ status: 'deferred', reason: 'outside_contact_window' }),
      line({ stage: 'D+15', channel: 'agent', to: 'duebell-agent-tasks' }),
    ]);
    expect(metric('ContactDecisions').map((m) => m.dimensions)).toEqual([
      { service: 'duebell', status: 'sent', stage: 'D0', channel: 'sms' },
      { service: 'duebell', status: 'suppressed', stage: 'D0', channel: 'email' },
      { service: 'duebell', status: 'deferred', stage: 'D0', channel: 'sms' },
      { service: 'duebell', status: 'sent', stage: 'D+15', channel: 'agent' },
    ]);
    expect(metric('ContactsSuppressed')).toEqual([
      { value: 1, dimensions: { service: 'duebell', channel: 'email', reason: 'opted_out' } },
    ]);
    expect(metric('TasksOpened')).toEqual([
      { value: 1, dimensions: { service: 'duebell', channel: 'agent' } },
    ]);
  });
});

describe('the contact decision log line', () => {
  it('carries the ids and the decision, and no address, not even masked', async () => {
    const logger = new Logger({ logLevel: 'SILENT' });
    const info = vi.spyOn(logger, 'info');
    await new LoggedContactLog(logger).record([line({})]);
    expect(info).toHaveBeenCalledTimes(1);
    const logged = JSON.stringify(info.mock.calls[0]);
    expect(logged).toContain('"loanId":"L1"');
    expect(logged).not.toContain('0001');
    expect(info.mock.calls[0]?.[1]).toEqual({
      contact: expect.not.objectContaining({ to: expect.anything() }),
    });
  });
});

describe('the sweep coordinator and slice handlers', () => {
  it('emits SweepRuns and the slices queued, then per slice its status, installments, jobs and duration', async () => {
    const h = harness(nineAm('2027-06-10'));
    const u1 = await addBorrower(h, { borrowerId: 'u1', phone: PHONE, email: EMAIL });
    await addLoan(h, 'L1', u1);
    const metrics = newMetrics();
    const pending: SweepSlice[] = [];
    const slices = { enqueue: async (more: SweepSlice[]) => void pending.push(...more) };
    await createSweepHandler({ ...h, slices, metrics })({ businessDate: '2027-06-10' }, plainContext);
    expect(metric('SweepRuns')).toEqual([{ value: 1, dimensions: { service: 'duebell', status: 'swept' } }]);
    expect(metric('SweepSlicesQueued')).toEqual([
      { value: pending.length, dimensions: { service: 'duebell' } },
    ]);
    const worker = createSweepSliceHandler({
      ...h,
      slices,
      metrics,
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    const d0 = pending.filter((s) => s.kind === 'remind' && s.dueDate === '2027-06-10');
    for (const [i, slice] of d0.entries()) {
      await worker(
        { Records: [{ messageId: `m${i}`, body: JSON.stringify(slice) }] } as unknown as SQSEvent,
        { ...plainContext, awsRequestId: `r${i}` },
      );
    }
    const installments = metric('SweepInstallments').reduce((sum, m) => sum + Number(m.value), 0);
    const jobs = metric('SweepJobs').reduce((sum, m) => sum + Number(m.value), 0);
    expect(installments).toBe(1);
    expect(jobs).toBe(2);
    expect(metric('SweepSlices')).toEqual(
      d0.map(() => ({ value: 1, dimensions: { service: 'duebell', status: 'done' } })),
    );
    expect(metric('SweepDuration')).toHaveLength(d0.length);
    expectNoPersonalData();
  });
});

describe('the sender handler', () => {
  it('emits MessagesSent for a message the carrier took and ContactJobsFailed for a failed one, by channel', async () => {
    const h = harness(nineAm('2027-06-10'));
    const u1 = await addBorrower(h, { borrowerId: 'u1', phone: PHONE, email: EMAIL });
    await addLoan(h, 'L1', u1);
    await sweepReminders(h, '2027-06-10');
    const jobs = h.queue.jobs;
    const send = createSendContactHandler({
      ...h,
      metrics: newMetrics(),
      sqs: { send: vi.fn() } as unknown as SQSClient,
      queueUrl: 'https://sqs.local/queue',
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    const event = (list: ContactJob[]): SQSEvent =>
      ({
        Records: list.map((job, i) => ({
          messageId: `m${i}`,
          receiptHandle: `r${i}`,
          body: JSON.stringify(job),
        })),
      }) as unknown as SQSEvent;
    const sms = jobs.filter((j) => j.channel === 'sms');
    const email = jobs.filter((j) => j.channel === 'email');
    h.sender.failNext(Object.assign(new Error('carrier down'), { name: 'InternalErrorException' }));
    await send(event(sms), plainContext);
    await send(event(email), plainContext);
    expect(metric('ContactJobsFailed')).toEqual([
      { value: 1, dimensions: { service: 'duebell', channel: 'sms' } },
    ]);
    expect(metric('MessagesSent')).toEqual([
      { value: 1, dimensions: { service: 'duebell', channel: 'email' } },
    ]);
    expectNoPersonalData();
  });
});
