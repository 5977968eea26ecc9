import { describe, expect, it } from 'vitest';
import type { ContactLine } from '#shared/schemas/contact-job.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { checkCompliance } from '../../support/compliance.ts';

const portfolio = {
  timezone: 'Asia/Shanghai',
  partners: [{ partnerId: 'p1', name: 'P' }],
  borrowers: [
    { borrowerId: 'sh', partnerId: 'p1', name: 'A', phone: '+8613900000001', idNumber: 'x' },
    {
      borrowerId: 'ny',
      partnerId: 'p1',
      name: 'B',
      phone: '+12125550100',
      idNumber: 'y',
      timezone: 'America/New_York',
    },
    {
      borrowerId: 'out',
      partnerId: 'p1',
      name: 'C',
      phone: '+8613900000002',
      idNumber: 'z',
      optOut: ['sms'],
    },
  ],
  loans: [],
  payments: [],
  hardship: [],
  applications: [],
} as unknown as Portfolio;

const line = (over: Partial<ContactLine>): ContactLine => ({
  at: '2027-06-01T10:00:00+08:00',
  borrowerId: 'sh',
  loanId: 'L1',
  installmentNo: 1,
  stage: 'D0',
  channel: 'sms',
  to: '+86139****0001',
  templateId: 't',
  language: 'zh-CN',
  status: 'sent',
  messageId: 'm1',
  ...over,
});

describe('checkCompliance', () => {
  it('passes a message in the window, one per loan line', () => {
    expect(checkCompliance([line({}), line({ loanId: 'L2' })], portfolio)).toEqual([]);
  });

  it('counts messages by id: two loans in one message are one, three messages in a day are over the cap', () => {
    const three = ['m1', 'm2', 'm3'].map((messageId, i) => line({ messageId, loanId: `L${i}` }));
    expect(checkCompliance(three, portfolio)).toEqual([expect.stringContaining('over the daily cap of 2')]);
  });

  it('reads the window in the borrower zone with daylight saving: 07:30 EDT is outside, 08:30 EDT inside', () => {
    // 2027-06-01 11:30Z is 07:30 in New York (EDT, UTC-4) though 19:30 in Shanghai.
    const early = line({ borrowerId: 'ny', at: '2027-06-01T11:30:00.000Z' });
    expect(checkCompliance([early], portfolio)).toEqual([expect.stringContaining('outside the window')]);
    expect(checkCompliance([line({ borrowerId: 'ny', at: '2027-06-01T12:30:00.000Z' })], portfolio)).toEqual(
      [],
    );
  });

  it('flags an opted-out channel and a sent line without a messageId', () => {
    expect(checkCompliance([line({ borrowerId: 'out' })], portfolio)).toEqual([
      expect.stringContaining('opted-out'),
    ]);
    expect(checkCompliance([line({ messageId: undefined })], portfolio)).toEqual([
      expect.stringContaining('without a messageId'),
    ]);
  });
});
