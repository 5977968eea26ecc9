/** Reason codes with plain texts in both languages (Reg B §1002.9 practice: specific, principal reasons). */

import type { Language } from '#shared/config/languages.ts';

export const reasonTexts = {
  OVERDUE_EXISTING: {
    en: 'You have an overdue loan that must be repaid first.',
    'zh-CN': '您有逾期未还的借款，请先还清。',
  },
  BEHAVIOUR_SUSPENDED: {
    en: 'A promise to pay was broken recently; new credit is paused.',
    'zh-CN': '近期有未履行的还款承诺，暂停新增借款。',
  },
  EXPOSURE_LIMIT: {
    en: 'The loan would take your total borrowing over your credit limit.',
    'zh-CN': '本笔借款将使您的借款总额超过授信额度。',
  },
  AGE: { en: 'Applicant age is outside the range we lend to.', 'zh-CN': '申请人年龄不在可借款范围内。' },
  MULTI_LENDING: { en: 'Too many active loans with other lenders.', 'zh-CN': '在其他机构的在贷笔数过多。' },
  INQUIRY_VELOCITY: {
    en: 'Too many credit inquiries in the last 90 days.',
    'zh-CN': '近90天征信查询次数过多。',
  },
  DTI: { en: 'Debt payments would be too high compared with income.', 'zh-CN': '还款负担相对收入过高。' },
  SEVERE_DELINQUENCY: {
    en: 'Serious delinquency in the last 12 months.',
    'zh-CN': '近12个月有严重逾期记录。',
  },
  NO_INCOME: { en: 'No income to repay from.', 'zh-CN': '无稳定收入来源。' },
  HARDSHIP_ACTIVE: {
    en: 'A hardship plan is active on an existing loan.',
    'zh-CN': '现有借款正在执行困难还款计划。',
  },
  RATE_CAP: {
    en: 'The loan cannot be priced within the legal rate cap.',
    'zh-CN': '无法在法定利率上限内定价。',
  },
  AMOUNT_LIMIT: {
    en: 'The amount we can offer is below the minimum loan.',
    'zh-CN': '可批额度低于最低借款金额。',
  },
  DELINQUENCY_HISTORY: { en: 'Past payments were late.', 'zh-CN': '历史还款有逾期。' },
  INQUIRIES: { en: 'Number of recent credit inquiries.', 'zh-CN': '近期征信查询次数较多。' },
  OTHER_LENDER_LOANS: { en: 'Number of loans with other lenders.', 'zh-CN': '其他机构在贷笔数较多。' },
  DEBT_TO_INCOME: { en: 'Debt payments are high compared with income.', 'zh-CN': '负债收入比偏高。' },
  EMPLOYMENT: { en: 'Employment status or time in current job.', 'zh-CN': '就业状态或现职年限。' },
  CREDIT_HISTORY: { en: 'Length of credit history.', 'zh-CN': '信用记录时长较短。' },
  AGE_BAND: { en: 'Applicant age band.', 'zh-CN': '申请人年龄段。' },
  INCOME: { en: 'Level of monthly income.', 'zh-CN': '月收入水平。' },
  BEHAVIOUR_DAYS_LATE: { en: 'Recent payments were late.', 'zh-CN': '近期还款有逾期。' },
  BEHAVIOUR_ON_TIME_STREAK: {
    en: 'Few payments in a row made on time.',
    'zh-CN': '连续按时还款期数较少。',
  },
  BEHAVIOUR_PARTIAL_PAYMENTS: { en: 'Installments paid only in part.', 'zh-CN': '有仅部分还款的期次。' },
  BEHAVIOUR_BROKEN_PROMISES: { en: 'Promises to pay were not kept.', 'zh-CN': '有未履行的还款承诺。' },
  BEHAVIOUR_MONTHS_ON_BOOK: { en: 'Short repayment history with us.', 'zh-CN': '在本平台的还款记录较短。' },
  AMOUNT_REDUCED: { en: 'Offer reduced to the amount income supports.', 'zh-CN': '根据收入调整了可借额度。' },
} as const satisfies Record<string, Record<Language, string>>;

export type ReasonCode = keyof typeof reasonTexts;

export interface Reason {
  code: ReasonCode;
  text: string;
}

export function reason(code: ReasonCode, language: Language): Reason {
  return { code, text: reasonTexts[code][language] };
}
