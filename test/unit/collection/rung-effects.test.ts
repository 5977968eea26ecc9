import { describe, expect, it } from 'vitest';
import { type Rung, rungById } from '#shared/collection/ladder.ts';
import { type RungParty, rungEffects, rungMessageItems } from '#shared/collection/rung-effects.ts';
import { rules, unpaid } from './ladder-fixtures.ts';

const AGENT = rules.collection.agentQueueName;
const LEGAL = rules.collection.legalQueueName;
const rung = (id: string): Rung => {
  const found = rungById(id, rules);
  if (!found) throw new Error(`no rung ${id}`);
  return found;
};
const party = (over: Partial<RungParty> = {}, consents: Partial<RungParty['consents']> = {}): RungParty => ({
  loanId: 'L1',
  partnerId: 'p-demo',
  borrowerId: 'u1',
  episode: 2,
  unavailable: [],
  ...over,
  consents: { contactBySms: true, contactByEmail: true, shareWithCollectionAgencies: false, ...consents },
});

describe('rungEffects: messages', () => {
  it('queues one message per channel of the rung, keyed by loan, episode, rung and channel', () => {
    expect(rungEffects(rung('D+7'), party(), true, false, rules)).toEqual({
      messages: [
        { jobId: 'L1-e2-D+7-sms', channel: 'sms' },
        { jobId: 'L1-e2-D+7-email', channel: 'email' },
      ],
      tasks: [],
    });
  });

  it('leaves out the channels the borrower cannot take', () => {
    const { messages, tasks } = rungEffects(rung('D+7'), party({ unavailable: ['sms'] }), true, false, rules);
    expect(messages).toEqual([{ jobId: 'L1-e2-D+7-email', channel: 'email' }]);
    expect(tasks).toEqual([]);
  });

  it('hands the rung to an agent when none of its channels is usable', () => {
    const { messages, tasks } = rungEffects(
      rung('D+7'),
      party({ unavailable: ['sms', 'email'] }),
      true,
      false,
      rules,
    );
    expect(messages).toEqual([]);
    expect(tasks).toEqual([
      { taskId: 'L1-e2-D+7-agent', type: 'agent_call', queue: AGENT, reason: 'all_channels_opted_out' },
    ]);
  });

  it('leaves out a channel the borrower did not consent to, and keeps the consented one', () => {
    const noSms = rungEffects(rung('D+7'), party({}, { contactBySms: false }), true, false, rules);
    expect(noSms).toEqual({ messages: [{ jobId: 'L1-e2-D+7-email', channel: 'email' }], tasks: [] });
    const noEmail = rungEffects(rung('D+7'), party({}, { contactByEmail: false }), true, false, rules);
    expect(noEmail).toEqual({ messages: [{ jobId: 'L1-e2-D+7-sms', channel: 'sms' }], tasks: [] });
  });

  it('hands the rung to an agent with reason no_consent when no channel of it has consent', () => {
    const none = { contactBySms: false, contactByEmail: false };
    expect(rungEffects(rung('D+7'), party({}, none), true, false, rules)).toEqual({
      messages: [],
      tasks: [{ taskId: 'L1-e2-D+7-agent', type: 'agent_call', queue: AGENT, reason: 'no_consent' }],
    });
  });

  it('names no_consent when one channel lacks consent and the other is opted out', () => {
    const { messages, tasks } = rungEffects(
      rung('D+7'),
      party({ unavailable: ['email'] }, { contactBySms: false }),
      true,
      false,
      rules,
    );
    expect(messages).toEqual([]);
    expect(tasks.map((t) => [t.taskId, t.reason])).toEqual([['L1-e2-D+7-agent', 'no_consent']]);
  });

  it('sends nothing, and hands nothing over, once the loan is non-performing', () => {
    expect(rungEffects(rung('D+7'), party(), true, true, rules)).toEqual({ messages: [], tasks: [] });
    expect(rungEffects(rung('D+7'), party({ unavailable: ['sms', 'email'] }), true, true, rules)).toEqual({
      messages: [],
      tasks: [],
    });
  });

  it('sends nothing, and hands nothing over, when the rung is replayed late (sendMessages false)', () => {
    expect(rungEffects(rung('D+7'), party(), false, false, rules)).toEqual({ messages: [], tasks: [] });
    expect(rungEffects(rung('D+7'), party({ unavailable: ['sms', 'email'] }), false, false, rules)).toEqual({
      messages: [],
      tasks: [],
    });
  });

  it('does nothing for a rung with neither channels nor task, even with every channel opted out', () => {
    expect(rungEffects(rung('D+4'), party({ unavailable: ['sms', 'email'] }), true, false, rules)).toEqual({
      messages: [],
      tasks: [],
    });
  });
});

describe('rungEffects: tasks', () => {
  it('gives an agent_call rung its agent task on the agent queue', () => {
    expect(rungEffects(rung('D+15'), party(), true, false, rules).tasks).toEqual([
      { taskId: 'L1-e2-D+15-task', type: 'agent_call', queue: AGENT, reason: 'rung' },
    ]);
  });

  it('keeps the rung task when messages are not sent or the loan is non-performing', () => {
    expect(rungEffects(rung('D+15'), party(), false, true, rules).tasks).toHaveLength(1);
    expect(rungEffects(rung('D+60'), party(), false, true, rules).tasks).toHaveLength(1);
  });

  it('sends legal review to the legal queue only with consent to share with collection agencies', () => {
    const { tasks } = rungEffects(
      rung('D+30'),
      party({}, { shareWithCollectionAgencies: true }),
      true,
      false,
      rules,
    );
    expect(tasks).toEqual([
      { taskId: 'L1-e2-D+30-task', type: 'legal_review', queue: LEGAL, reason: 'rung' },
    ]);
  });

  it('sends legal referral to the legal queue only with consent to share with collection agencies', () => {
    const { tasks } = rungEffects(
      rung('D+60'),
      party({}, { shareWithCollectionAgencies: true }),
      true,
      false,
      rules,
    );
    expect(tasks).toEqual([
      { taskId: 'L1-e2-D+60-task', type: 'legal_referral', queue: LEGAL, reason: 'rung' },
    ]);
  });

  it('makes legal review and referral an internal review on the agent queue without that consent', () => {
    for (const id of ['D+30', 'D+60']) {
      expect(rungEffects(rung(id), party(), true, false, rules).tasks).toEqual([
        { taskId: `L1-e2-${id}-task`, type: 'internal_legal_review', queue: AGENT, reason: 'rung' },
      ]);
    }
  });

  it('gives a transition rung no task and no message', () => {
    expect(rungEffects(rung('D+90'), party(), true, false, rules)).toEqual({ messages: [], tasks: [] });
    expect(rungEffects(rung('D+120'), party(), true, false, rules)).toEqual({ messages: [], tasks: [] });
  });
});

describe('rungEffects: ids', () => {
  it('gives every message and task of a rung its own id, by purpose', () => {
    const allOut = rungEffects(rung('D+30'), party({ unavailable: ['sms', 'email'] }), true, false, rules);
    expect(allOut.tasks.map((t) => t.taskId)).toEqual(['L1-e2-D+30-agent', 'L1-e2-D+30-task']);
    const some = rungEffects(rung('D+30'), party(), true, false, rules);
    const ids = [...some.messages.map((m) => m.jobId), ...some.tasks.map((t) => t.taskId)];
    expect(ids).toEqual(['L1-e2-D+30-sms', 'L1-e2-D+30-email', 'L1-e2-D+30-task']);
    expect(ids).not.toContain('L1-e2-D+30-agent');
  });

  it('gives another episode, loan or rung other ids', () => {
    const ids = (p: RungParty, id: string) => {
      const e = rungEffects(rung(id), p, true, false, rules);
      return [...e.messages.map((m) => m.jobId), ...e.tasks.map((t) => t.taskId)];
    };
    const all = [
      ...ids(party(), 'D+30'),
      ...ids(party({ episode: 3 }), 'D+30'),
      ...ids(party({ loanId: 'L2' }), 'D+30'),
      ...ids(party(), 'D+7'),
    ];
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('rungMessageItems', () => {
  it('covers the oldest past-due installment on the lender business date of now', () => {
    const [first] = unpaid();
    if (!first) throw new Error('no installment');
    // 23:30 UTC on the 16th is already the 17th in Shanghai.
    const items = rungMessageItems({ ...first, loanId: 'L1' }, new Date('2027-06-16T23:30:00.000Z'), rules);
    expect(items).toEqual({
      businessDate: '2027-06-17',
      items: [{ loanId: 'L1', installmentNo: 1, dueDate: '2027-06-10' }],
    });
  });
});
