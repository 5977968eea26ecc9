import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RUNG_RETRY } from '#infra/constructs/escalation-definition.ts';
import { DuebellStack } from '#infra/duebell-stack.ts';
import { ladderAsl } from '#local/escalation/ladder-asl.ts';
import { defaultRules } from '#shared/config/rules.ts';
import type { ContactQueue } from '#shared/ports/contact.ts';
import type { EscalationWorkflow } from '#shared/ports/escalation.ts';
import { definitionOf, logicalId, placeholderArn, skipBundling } from '../../infra/bare-stack.ts';
import { fileDynamoDb } from '../../support/dynamodb.ts';
import { type EscalationWorld, escalationWorld } from './escalation-world.ts';

const db = fileDynamoDb();

const rules = defaultRules;
const ladderStages = new Set(rules.collection.ladder.map((r) => r.id));
const { agentQueueName, legalQueueName } = rules.collection;

/** The ladder's state machine as the deployed stack synthesizes it, every task's function ARN a placeholder. */
let deployedDefinition: unknown;

beforeAll(() => {
  const stack = new DuebellStack(new App({ context: skipBundling }), 'Duebell', { rules });
  const definition = definitionOf(Template.fromStack(stack), stack.escalation.stateMachine);
  const stepArn = placeholderArn(logicalId(stack.escalation.stepFunction));
  deployedDefinition = JSON.parse(JSON.stringify(definition).replaceAll(stepArn, '<escalation-step>'));
}, 600_000);

let world: EscalationWorld | undefined;
const open = async (options: Omit<Parameters<typeof escalationWorld>[0], 'dynamodbEndpoint'>) => {
  world = await escalationWorld({ ...options, dynamodbEndpoint: db.endpoint() });
  return world;
};
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The escalation's events of a loan as `<local date> <type> <rung>`, in order. */
const escalationEvents = (w: EscalationWorld, loanId: string) =>
  w.events
    .filter((e) => e.detail.loanId === loanId)
    .filter((e) =>
      ['EscalationStarted', 'EscalationStepTaken', 'LoanNonPerforming', 'LoanChargedOff'].includes(e.type),
    )
    .map((e) => {
      const rung = 'rung' in e.detail ? ` ${e.detail.rung}` : '';
      return `${w.dateOf(e.at)} ${e.type}${rung}`;
    });

/**
 * The contact lines of a loan's ladder rungs (not the reminders) as `<local date> <stage> <channel> <status>`,
 * with the task's template for a person's task; sorted, so by day.
 */
const rungLines = (w: EscalationWorld, loanId: string) =>
  w.contacts
    .filter((l) => l.loanId === loanId && ladderStages.has(l.stage))
    .map((l) => {
      const task = l.channel === 'agent' || l.channel === 'legal' ? ` ${l.templateId}` : '';
      return `${l.at.slice(0, 10)} ${l.stage} ${l.channel} ${l.status}${task}`;
    })
    .sort();

/** The days a rung's task state ran for, with what it did. */
const stepDays = (w: EscalationWorld, rung: string) =>
  w.stepCalls.filter((c) => c.rung === rung).map((c) => `${c.on} ${c.action} ${c.outcome}`);

describe('the escalation ladder on a simulated clock', () => {
  it('runs the definition the stack deploys', () => {
    const local = ladderAsl(rules.collection.ladder);
    const states = local.States as Record<string, { Resource?: string }>;
    const localArn = states['D+4']?.Resource;
    expect(localArn).toMatch(/^arn:aws:lambda:/);
    const localDefinition = JSON.parse(
      JSON.stringify(local).replaceAll(JSON.stringify(localArn), '"<escalation-step>"'),
    );
    expect(localDefinition).toEqual(deployedDefinition);
  });

  it('walks a never-paying loan through every rung on its day and ends the execution at charge-off', async () => {
    const w = await open({ from: '2027-06-10' });
    await w.addBorrower('never');
    await w.bookLoan('L-never', 'never'); // due 2027-06-10
    await w.advanceTo(w.at('2027-10-10', '00:00'));

    expect(escalationEvents(w, 'L-never')).toEqual([
      '2027-06-14 EscalationStarted D+4',
      '2027-06-17 EscalationStepTaken D+7',
      '2027-06-25 EscalationStepTaken D+15',
      '2027-07-10 EscalationStepTaken D+30',
      '2027-08-09 EscalationStepTaken D+60',
      // The ageing job (06:00) makes the D+90 and D+120 transitions before the rungs' 09:00 steps.
      '2027-09-08 LoanNonPerforming',
      '2027-09-08 EscalationStepTaken D+90',
      '2027-10-08 LoanChargedOff',
    ]);
    expect(rungLines(w, 'L-never')).toEqual([
      '2027-06-17 D+7 email sent',
      '2027-06-17 D+7 sms sent',
      '2027-06-25 D+15 agent sent task.agent_call',
      '2027-07-10 D+30 email sent',
      '2027-07-10 D+30 legal sent task.legal_review',
      '2027-07-10 D+30 sms sent',
      '2027-08-09 D+60 legal sent task.legal_referral',
    ]);
    expect(w.taskQueue.tasks.map((t) => `${t.rung} ${t.type} ${t.queue}`)).toEqual([
      `D+15 agent_call ${agentQueueName}`,
      `D+30 legal_review ${legalQueueName}`,
      `D+60 legal_referral ${legalQueueName}`,
    ]);
    // Each rung's task state ran once, on its day; the last found the episode charged off and ended.
    expect(
      w.stepCalls.map((c) => `${c.on} ${c.rung}`),
      'one step per rung',
    ).toEqual([
      '2027-06-14 D+4',
      '2027-06-17 D+7',
      '2027-06-25 D+15',
      '2027-07-10 D+30',
      '2027-08-09 D+60',
      '2027-09-08 D+90',
      '2027-10-08 D+120',
    ]);
    const loan = await w.loan('L-never');
    expect(loan.status).toBe('charged_off');
    expect(loan.escalation).toMatchObject({ episode: 1, rung: 'D+90', endReason: 'charged_off' });
    expect(w.workflow.started).toBe(1);
    expect(w.time.waiting, 'no execution still waiting').toBe(0);
    expect(w.workflow.failed).toEqual([]);
  }, 600_000);

  it('ends the episode on a cure at D+10: nothing from D+15 on, and the execution finishes at its next wake', async () => {
    const w = await open({ from: '2027-06-10' });
    await w.addBorrower('cured');
    // Three monthly installments (due 06-10, 07-10, 08-10): paying what is past due cures the loan
    // without paying it off.
    await w.bookLoan('L-cured', 'cured', {
      principal: 300_000,
      termMonths: 3,
      repaymentMethod: 'equal_installment',
    });
    await w.advanceTo(w.at('2027-06-20', '12:00'));
    const view = await w.view('L-cured');
    const pastDue = view.installments
      .filter((i) => i.status === 'overdue')
      .reduce((sum, i) => sum + i.outstanding.total, 0);
    expect(pastDue).toBeGreaterThan(0);
    const outcome = await w.pay('L-cured', 'pay-cure', pastDue);
    expect(outcome).toMatchObject({ cured: true, daysPastDue: 0, loanStatus: 'active' });
    expect((await w.loan('L-cured')).escalation).toMatchObject({ episode: 1, endReason: 'cured' });
    // The execution still waits for D+15 (the payment does not reach into Step Functions).
    expect(w.time.waiting).toBe(1);
    expect(w.time.nextWakeAt()).toBe(w.at('2027-06-25', '09:00').getTime());

    // Up to the day before the second installment's grace ends (a new episode would start on 07-14).
    await w.advanceTo(w.at('2027-07-13', '23:00'));
    expect(escalationEvents(w, 'L-cured')).toEqual([
      '2027-06-14 EscalationStarted D+4',
      '2027-06-17 EscalationStepTaken D+7',
    ]);
    expect(w.events.filter((e) => e.type === 'LoanCured').map((e) => w.dateOf(e.at))).toEqual(['2027-06-20']);
    expect(rungLines(w, 'L-cured')).toEqual(['2027-06-17 D+7 email sent', '2027-06-17 D+7 sms sent']);
    expect(w.taskQueue.tasks).toEqual([]);
    // D+15 woke once, found the episode over and ended the execution: D+30 never ran.
    expect(stepDays(w, 'D+15')).toEqual(['2027-06-25 take-rung ok']);
    expect(stepDays(w, 'D+30')).toEqual([]);
    expect(w.time.waiting).toBe(0);
    expect(w.workflow.failed).toEqual([]);
    expect((await w.loan('L-cured')).escalation?.rung).toBe('D+7');
  }, 600_000);

  it('keeps the episode at its rung after a partial payment: D+15 still happens', async () => {
    const w = await open({ from: '2027-06-10' });
    await w.addBorrower('partial');
    await w.bookLoan('L-partial', 'partial');
    await w.advanceTo(w.at('2027-06-20', '12:00'));
    const outcome = await w.pay('L-partial', 'pay-half', 50_000);
    expect(outcome).toMatchObject({ cured: false, daysPastDue: 10, loanStatus: 'active' });
    const during = (await w.loan('L-partial')).escalation;
    expect(during).toMatchObject({ episode: 1, rung: 'D+7' });
    expect(during?.endedAt).toBeUndefined();

    await w.advanceTo(w.at('2027-06-26', '00:00'));
    expect(escalationEvents(w, 'L-partial')).toEqual([
      '2027-06-14 EscalationStarted D+4',
      '2027-06-17 EscalationStepTaken D+7',
      '2027-06-25 EscalationStepTaken D+15',
    ]);
    expect(rungLines(w, 'L-partial')).toContain('2027-06-25 D+15 agent sent task.agent_call');
    expect(w.taskQueue.tasks.map((t) => `${t.rung} ${t.type}`)).toEqual(['D+15 agent_call']);
    expect(w.events.some((e) => e.type === 'LoanCured')).toBe(false);
    expect((await w.loan('L-partial')).escalation).toMatchObject({ rung: 'D+15' });
    expect(w.time.waiting, 'the execution waits for D+30').toBe(1);
  }, 600_000);

  it('pauses the ladder under a granted hardship plan and resumes on the re-dated installment’s days', async () => {
    const w = await open({ from: '2027-06-10' });
    await w.addBorrower('hardship');
    await w.bookLoan('L-hardship', 'hardship');
    await w.advanceTo(w.at('2027-06-20', '12:00'));
    const plan = await w.requestHardship('L-hardship', { reason: 'illness', deferralDays: 30 });
    // The pause covers 06-20 to 07-19; the installment moves from 06-10 to 07-10.
    expect(plan).toMatchObject({ status: 'granted', startsOn: '2027-06-20', endsOn: '2027-07-19' });
    expect((await w.view('L-hardship')).installments.map((i) => i.dueDate)).toEqual(['2027-07-10']);

    const resumesAt = w.at('2027-07-20', '09:00').toISOString();
    await w.advanceTo(w.at('2027-06-25', '12:00'));
    expect((await w.loan('L-hardship')).escalation?.pausedUntil).toBe(resumesAt);
    expect((await w.view('L-hardship')).escalation).toMatchObject({ rung: 'D+7', pausedUntil: resumesAt });
    await w.advanceTo(w.at('2027-07-15', '12:00'));
    expect((await w.view('L-hardship')).escalation?.pausedUntil, 'still paused on 07-15').toBe(resumesAt);
    expect(w.taskQueue.tasks).toEqual([]);

    await w.advanceTo(w.at('2027-07-26', '00:00'));
    // D+15 of the re-dated installment: 07-10 + 15 = 07-25 (not 06-25, not the pause's end).
    expect(escalationEvents(w, 'L-hardship')).toEqual([
      '2027-06-14 EscalationStarted D+4',
      '2027-06-17 EscalationStepTaken D+7',
      '2027-07-25 EscalationStepTaken D+15',
    ]);
    expect(rungLines(w, 'L-hardship').filter((l) => l.includes(' D+15 '))).toEqual([
      '2027-07-25 D+15 agent sent task.agent_call',
    ]);
    // The D+15 step woke on its old day (paused), at the pause's end (not yet: its day moved), then on its day.
    expect(stepDays(w, 'D+15')).toEqual([
      '2027-06-25 take-rung ok',
      '2027-07-20 take-rung ok',
      '2027-07-25 take-rung ok',
    ]);
    const after = await w.view('L-hardship');
    expect(after.escalation).toMatchObject({ rung: 'D+15', pausedUntil: null });
    expect(w.time.nextWakeAt(), 'D+30 of the re-dated installment').toBe(
      w.at('2027-08-09', '09:00').getTime(),
    );
  }, 600_000);

  it('gives an agent task instead of the D+7 messages to a borrower who opted out of every automated channel', async () => {
    const w = await open({ from: '2027-06-10' });
    await w.addBorrower('silent', { optOut: ['sms', 'email'] });
    await w.bookLoan('L-silent', 'silent');
    await w.advanceTo(w.at('2027-06-18', '00:00'));

    expect(rungLines(w, 'L-silent')).toEqual(['2027-06-17 D+7 agent sent task.agent_call']);
    expect(w.contacts.find((l) => l.loanId === 'L-silent' && l.stage === 'D+7')).toMatchObject({
      to: agentQueueName,
      reason: 'all_channels_opted_out',
    });
    expect(w.taskQueue.tasks.map((t) => `${t.rung} ${t.type} ${t.reason} ${t.queue}`)).toEqual([
      `D+7 agent_call all_channels_opted_out ${agentQueueName}`,
    ]);
    expect(
      w.contacts.filter((l) => l.loanId === 'L-silent' && l.channel !== 'agent' && l.status === 'sent'),
      'no SMS or email sent at all',
    ).toEqual([]);
    expect(escalationEvents(w, 'L-silent')).toContain('2027-06-17 EscalationStepTaken D+7');
  }, 600_000);

  it('uses no channel without consent and hands no task to the legal queue without consent to share', async () => {
    const w = await open({ from: '2027-06-10' });
    await w.addBorrower('email-only', {
      consents: {
        contactBySms: false,
        contactByEmail: true,
        shareWithCollectionAgencies: false,
        sensitiveData: true,
      },
    });
    await w.bookLoan('L-email-only', 'email-only');
    await w.advanceTo(w.at('2027-08-10', '00:00'));

    expect(rungLines(w, 'L-email-only')).toEqual([
      '2027-06-17 D+7 email sent',
      '2027-06-25 D+15 agent sent task.agent_call',
      '2027-07-10 D+30 agent sent task.internal_legal_review',
      '2027-07-10 D+30 email sent',
      '2027-08-09 D+60 agent sent task.internal_legal_review',
    ]);
    const sms = w.contacts.filter((l) => l.loanId === 'L-email-only' && l.channel === 'sms');
    expect(sms.length, 'the reminders were tried on sms').toBeGreaterThan(0);
    expect(sms.map((l) => `${l.status} ${l.reason}`)).toEqual(sms.map(() => 'suppressed no_consent'));
    expect(w.taskQueue.tasks.map((t) => `${t.rung} ${t.type} ${t.queue}`)).toEqual([
      `D+15 agent_call ${agentQueueName}`,
      `D+30 internal_legal_review ${agentQueueName}`,
      `D+60 internal_legal_review ${agentQueueName}`,
    ]);
    expect(w.contacts.filter((l) => l.channel === 'legal')).toEqual([]);
  }, 600_000);

  it('retries a failing step, then records the failure, fails the execution and counts EscalationStepFailed', async () => {
    class QueueUnavailable extends Error {
      override name = 'QueueUnavailable';
    }
    // The contact queue refuses every D+7 message: the rung's step fails each time it is called.
    const failingD7 = (queue: ContactQueue): ContactQueue => ({
      enqueue: async (jobs) => {
        if (jobs.some((j) => j.stage === 'D+7')) throw new QueueUnavailable('queue unavailable');
        return queue.enqueue(jobs);
      },
    });
    const metrics = new Metrics({ namespace: 'DuebellTest', serviceName: 'escalation-step' });
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const w = await open({ from: '2027-06-10', contactQueue: failingD7, metrics });
    await w.addBorrower('failing');
    await w.bookLoan('L-failing', 'failing');
    await w.advanceTo(w.at('2027-06-18', '00:00'));

    expect(stepDays(w, 'D+7')).toEqual([
      ...Array.from({ length: 1 + RUNG_RETRY.maxAttempts }, () => '2027-06-17 take-rung threw'),
      '2027-06-17 record-failure ok',
    ]);
    const escalation = (await w.loan('L-failing')).escalation;
    expect(escalation?.failure).toEqual({
      rung: 'D+7',
      at: w.at('2027-06-17', '09:00').toISOString(),
      error: 'QueueUnavailable',
    });
    expect(escalation?.endedAt, 'the episode stays open for ops').toBeUndefined();
    expect(w.workflow.failed).toEqual(['L-failing-e1']);
    expect(w.time.waiting).toBe(0);
    expect(addMetric).toHaveBeenCalledWith('EscalationStepFailed', MetricUnit.Count, 1);
    expect(rungLines(w, 'L-failing')).toEqual([]);
  }, 600_000);

  it('starts one execution when the sweep and the ageing job start the episode at once', async () => {
    const results: string[] = [];
    const counting = (workflow: EscalationWorkflow): EscalationWorkflow => ({
      start: async (name, input) => {
        const result = await workflow.start(name, input);
        results.push(result);
        return result;
      },
    });
    const w = await open({ from: '2027-06-10', dailyJobs: false, workflow: counting });
    await w.addBorrower('twice');
    await w.bookLoan('L-twice', 'twice');
    await w.advanceTo(w.at('2027-06-14', '09:00'));
    await Promise.all([w.sweep('2027-06-14'), w.age('2027-06-14')]);

    expect(results).toContain('started');
    expect(results.filter((r) => r === 'started')).toHaveLength(1);
    expect(w.workflow.started).toBe(1);
    expect(w.time.waiting, 'one execution, waiting for D+7').toBe(1);
    expect((await w.loan('L-twice')).escalation).toMatchObject({ episode: 1, rung: 'D+4' });

    await w.advanceTo(w.at('2027-06-18', '00:00'));
    expect(escalationEvents(w, 'L-twice')).toEqual([
      '2027-06-14 EscalationStarted D+4',
      '2027-06-17 EscalationStepTaken D+7',
    ]);
    expect(rungLines(w, 'L-twice')).toEqual(['2027-06-17 D+7 email sent', '2027-06-17 D+7 sms sent']);
  }, 600_000);

  it('starts one execution when a start is repeated after a crash between starting it and recording it', async () => {
    let crashes = 1;
    const crashingOnce = (workflow: EscalationWorkflow): EscalationWorkflow => ({
      start: async (name, input) => {
        const result = await workflow.start(name, input);
        if (crashes-- > 0) throw new Error('crashed before recording the start');
        return result;
      },
    });
    const w = await open({ from: '2027-06-10', dailyJobs: false, workflow: crashingOnce });
    await w.addBorrower('crash');
    await w.bookLoan('L-crash', 'crash');
    await w.advanceTo(w.at('2027-06-14', '09:00'));
    await expect(w.sweep('2027-06-14')).rejects.toThrow('crashed before recording the start');
    const opened = (await w.loan('L-crash')).escalation;
    expect(opened).toMatchObject({ episode: 1, rung: 'D+4' });
    expect(opened?.executionStartedAt, 'the start was not recorded').toBeUndefined();

    // The next morning's ageing run finds the episode open but unstarted, and starts it again by name.
    await w.advanceTo(w.at('2027-06-15', '06:00'));
    await w.age('2027-06-15');
    await w.age('2027-06-15');
    expect((await w.loan('L-crash')).escalation?.executionStartedAt).toBeDefined();
    expect(w.workflow.started).toBe(1);

    await w.advanceTo(w.at('2027-06-18', '00:00'));
    expect(escalationEvents(w, 'L-crash')).toEqual([
      '2027-06-14 EscalationStarted D+4',
      '2027-06-17 EscalationStepTaken D+7',
    ]);
    expect(stepDays(w, 'D+7')).toEqual(['2027-06-17 take-rung ok']);
    expect(w.time.waiting).toBe(1);
  }, 600_000);
});
