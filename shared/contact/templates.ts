import type { Language } from '#shared/config/languages.ts';
import type { Rules } from '#shared/config/rules.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { Channel } from './stages.ts';

export interface MessageItem {
  amount: number;
  dueDate: LocalDate;
}

export interface RenderInput {
  stage: string;
  channel: Channel;
  language: Language;
  partnerName: string;
  items: readonly MessageItem[];
}

export interface RenderedMessage {
  templateId: string;
  subject?: string;
  body: string;
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

/** Plain, polite reminders: lender and app named, amount and due date, how to opt out; no threats, no false urgency. */
const lines: Record<
  Language,
  { when: Record<string, string>; item: (i: MessageItem) => string; optOut: string; subject: string }
> = {
  en: {
    when: {
      'D-3': 'is due in 3 days',
      'D-1': 'is due tomorrow',
      D0: 'is due today',
      'D+1': 'was due yesterday and is still open',
      'D+3': 'is 3 days past due; a late charge applies from tomorrow',
      'D+7': 'is 7 days past due. Please repay or contact us to agree a plan',
      'D+30':
        'is 30 days past due. This is our final notice before the account is reviewed; please contact us',
    },
    item: (i) => `CNY ${yuan(i.amount)} due ${i.dueDate}`,
    optOut: 'Reply STOP to opt out',
    subject: 'Repayment reminder',
  },
  'zh-CN': {
    when: {
      'D-3': '将于3天后到期',
      'D-1': '将于明天到期',
      D0: '今天到期',
      'D+1': '已于昨天到期，尚未还款',
      'D+3': '已逾期3天，明天起将计收罚息',
      'D+7': '已逾期7天，请尽快还款，或联系我们协商还款计划',
      'D+30': '已逾期30天，这是账户转入审核前的最后通知，请联系我们',
    },
    item: (i) => `${i.dueDate} 应还 ${yuan(i.amount)} 元`,
    optOut: '回复TD退订',
    subject: '还款提醒',
  },
};

/** The template a message of this stage, channel and language is written from, as contact lines name it. */
export function templateIdOf(stage: string, channel: RenderInput['channel'], language: Language): string {
  return `reminder.${stage}.${channel}.${language}.v1`;
}

export function renderMessage(input: RenderInput, rules: Rules): RenderedMessage {
  const t = lines[input.language];
  const lender = rules.lender.name[input.language];
  const when = t.when[input.stage] ?? t.when.D0;
  const items = input.items.map(t.item).join(input.language === 'en' ? '; ' : '；');
  const body =
    input.language === 'en'
      ? `[${lender}] Your ${input.partnerName} repayment (${items}) ${when}. ${t.optOut}`
      : `【${lender}】您在${input.partnerName}的借款（${items}）${when}。${t.optOut}`;
  return {
    templateId: templateIdOf(input.stage, input.channel, input.language),
    subject: input.channel === 'email' ? `${t.subject} · ${input.partnerName}` : undefined,
    body,
  };
}

/** Does an inbound SMS ask to stop? Keywords of `rules.contact.optOutKeywords`, ignoring case, spaces and punctuation. */
export function isOptOutKeyword(text: string, rules: Rules): boolean {
  // Runs of spaces and punctuation become one space; the ends are trimmed once, after.
  const normalized = text
    .toUpperCase()
    .replace(/[\s.!。！]+/g, ' ')
    .trim();
  return rules.contact.optOutKeywords.some((k) => normalized === k.toUpperCase());
}
