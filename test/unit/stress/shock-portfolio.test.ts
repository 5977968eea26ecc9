import { describe, expect, it } from 'vitest';
import { shockPortfolio } from '#local/stress/shock-portfolio.ts';
import { withCheckChar } from '#shared/identity/prc-id.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { stressScenarioSchema } from '#shared/schemas/stress-scenario.ts';
import { bulletLoan } from '../../fixtures/portfolio-builders.ts';

const TZ = 'Asia/Shanghai';
/** Ten borrowers, the first four from province 44, the rest from 31; each pays on 06-01 and 07-01 (UTC). */
const ids = Array.from({ length: 10 }, (_, i) => `b${i}`);
const book: Portfolio = {
  partners: [{ partnerId: 'p1', name: 'P' }],
  borrowers: ids.map((id, i) => ({
    borrowerId: id,
    partnerId: 'p1',
    name: 'x',
    phone: `+8613710000${String(i).padStart(3, '0')}`,
    idNumber: withCheckChar(`${i < 4 ? '44' : '31'}010419880512${String(i).padStart(3, '0')}`),
  })),
  loans: ids.map((id) => bulletLoan(`L-${id}`, id)),
  payments: ids.flatMap((id) => [
    { paymentId: `${id}-a`, loanId: `L-${id}`, amount: 100, paidAt: '2027-06-01T04:00:00.000Z' },
    { paymentId: `${id}-b`, loanId: `L-${id}`, amount: 100, paidAt: '2027-07-01T04:00:00.000Z' },
  ]),
  hardship: [],
  applications: [],
};
const scenario = (s: object) => stressScenarioSchema.parse({ from: '2027-06-15', ...s });
const paying = (p: Portfolio, suffix: string) =>
  new Set(p.payments.filter((x) => x.paymentId.endsWith(suffix)).map((x) => x.loanId));

describe('shockPortfolio', () => {
  it('drops the payments from the date of exactly the missing share of borrowers, the same ones for a seed', () => {
    const shocked = shockPortfolio(book, scenario({ missShare: 0.2 }), 7, TZ);
    expect(paying(shocked, '-a').size).toBe(10);
    expect(paying(shocked, '-b').size).toBe(8);
    expect(shockPortfolio(book, scenario({ missShare: 0.2 }), 7, TZ)).toEqual(shocked);
  });

  it('moves the late share’s payments from the date by the days given, and no one else’s', () => {
    const shocked = shockPortfolio(book, scenario({ late: { share: 0.3, days: 10 } }), 1, TZ);
    const moved = shocked.payments.filter((p) => p.paidAt === '2027-07-11T04:00:00.000Z');
    expect(moved).toHaveLength(3);
    expect(shocked.payments.filter((p) => p.paidAt === '2027-06-01T04:00:00.000Z')).toHaveLength(10);
  });

  it('asks for deferrals on the disaster province’s loans only, at 10:00 lender time on its day', () => {
    const shocked = shockPortfolio(
      book,
      scenario({ disaster: { province: '44', on: '2027-06-20', hardshipShare: 0.5, deferralDays: 30 } }),
      1,
      TZ,
    );
    expect(shocked.hardship).toHaveLength(2);
    for (const h of shocked.hardship) {
      expect(['L-b0', 'L-b1', 'L-b2', 'L-b3']).toContain(h.loanId);
      expect(h).toMatchObject({
        requestedAt: '2027-06-20T02:00:00.000Z',
        reason: 'natural_disaster',
        deferralDays: 30,
      });
    }
    expect(shocked.payments).toEqual(book.payments);
  });
});
