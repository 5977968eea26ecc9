import { describe, expect, it } from 'vitest';
import { defaultRules } from '#shared/config/rules.ts';
import { stageById } from '#shared/contact/stages.ts';
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

  it('words each stage for what it is, in both languages, and lists several items with the language’s separator', () => {
    const render = (stage: string, language: 'en' | 'zh-CN', channel: 'sms' | 'email' = 'sms') =>
      renderMessage(
        { stage, channel, language, partnerName: 'P', items: [{ amount: 12_345, dueDate: '2027-06-10' }] },
        defaultRules,
      );
    const facts: [string, string, string][] = [
      ['D-3', 'is due in 3 days.', '将于3天后到期。'],
      ['D-1', 'is due tomorrow.', '将于明天到期。'],
      ['D0', 'is due today.', '今天到期。'],
      ['D+1', 'was due yesterday and is still open.', '已于昨天到期，尚未还款。'],
      ['D+3', 'is 3 days past due; a late charge applies from tomorrow.', '已逾期3天，明天起将计收罚息。'],
      [
        'D+7',
        'is 7 days past due. Please repay or contact us to agree a plan.',
        '已逾期7天，请尽快还款，或联系我们协商还款计划。',
      ],
      [
        'D+30',
        'is 30 days past due. This is our final notice before the account is reviewed; please contact us.',
        '已逾期30天，这是账户转入审核前的最后通知，请联系我们。',
      ],
    ];
    for (const [stage, en, zh] of facts) {
      expect(render(stage, 'en').body).toBe(
        `[Duebell Consumer Finance] Your P repayment (CNY 123.45 due 2027-06-10) ${en} Reply STOP to opt out`,
      );
      expect(render(stage, 'zh-CN').body).toBe(
        `【都贝消费金融】您在P的借款（2027-06-10 应还 123.45 元）${zh}回复TD退订`,
      );
    }
    // A stage with no wording of its own is worded as the due date.
    expect(render('D+4', 'en').body).toBe(render('D0', 'en').body);
    expect(render('D+4', 'zh-CN').body).toBe(render('D0', 'zh-CN').body);
    // Subjects only on email, in the message's language.
    expect(render('D0', 'en').subject).toBeUndefined();
    expect(render('D0', 'zh-CN', 'email').subject).toBe('还款提醒 · P');
    const two = (language: 'en' | 'zh-CN') =>
      renderMessage({ stage: 'D0', channel: 'sms', language, partnerName: 'P', items }, defaultRules).body;
    expect(two('en')).toContain('(CNY 1030.15 due 2027-06-10; CNY 500.00 due 2027-06-10)');
    expect(two('zh-CN')).toContain('（2027-06-10 应还 1030.15 元；2027-06-10 应还 500.00 元）');
  });

  it('finds a reminder stage by its id, and nothing for an id that is not one', () => {
    expect(stageById('D-3', defaultRules)?.offsetDays).toBe(-3);
    expect(stageById('D+3', defaultRules)?.offsetDays).toBe(3);
    expect(stageById('D+7', defaultRules)).toBeUndefined();
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
      'OPT  OUT',
      ' opt out! ',
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
