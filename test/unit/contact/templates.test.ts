import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { isOptOutKeyword, renderMessage } from '#shared/contact/templates.ts';

describe('reminder templates', () => {
  const items = [
    { amount: 103_015, dueDate: '2027-06-10' },
    { amount: 50_000, dueDate: '2027-06-10' },
  ];

  it('names lender and app, every amount and due date, and ends with the opt-out line, in both languages', () => {
    const zh = renderMessage(
      { stage: 'D-3', channel: 'sms', language: 'zh-CN', partnerName: '示例贷', items },
      defaultRules,
    );
    expect(zh.body).toContain('都贝消费金融');
    expect(zh.body).toContain('示例贷');
    expect(zh.body).toContain('1030.15');
    expect(zh.body).toContain('500.00');
    expect(zh.body).toContain('2027-06-10');
    expect(zh.body.endsWith('回复TD退订')).toBe(true);
    const en = renderMessage(
      { stage: 'D+3', channel: 'email', language: 'en', partnerName: 'Demo Loans', items },
      defaultRules,
    );
    expect(en.body).toContain('Duebell Consumer Finance');
    expect(en.body).toContain('CNY 1030.15 due 2027-06-10');
    expect(en.body.endsWith('Reply STOP to opt out')).toBe(true);
    expect(en.subject).toBe('Repayment reminder · Demo Loans');
    expect(en.templateId).toBe('reminder.D+3.email.en.v1');
  });

  it('recognises every opt-out keyword, whatever the case and spacing, and nothing else', () => {
    for (const k of [
      'STOP',
      'stop',
      ' Stop ',
      'TD',
      'td',
      '退订',
      'opt out',
      'UNSUBSCRIBE',
      'quit',
      'End',
      'revoke',
      'cancel',
    ]) {
      expect(isOptOutKeyword(k, defaultRules)).toBe(true);
    }
    for (const k of ['STOPPED', 'please stop calling me later', 'hello', ''])
      expect(isOptOutKeyword(k, defaultRules)).toBe(false);
  });
});
