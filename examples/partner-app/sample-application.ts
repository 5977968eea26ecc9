import { randomInt } from 'node:crypto';
import type { ApplicationRequest } from '@duebell/client';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** A made-up PRC resident ID born on 1993-07-12, with a valid check character (GB 11643). */
function sampleIdNumber(): string {
  const first17 = `31010419930712${String(randomInt(0, 1000)).padStart(3, '0')}`;
  const sum = [...first17].reduce((s, digit, i) => s + Number(digit) * (WEIGHTS[i] ?? 0), 0);
  return `${first17}${CHECK_CHARS[sum % 11]}`;
}

/** An application Duebell's default scorecard approves: ¥8,000 over 6 months, equal installments. */
export function sampleApplication(borrowerId = `app-user-${randomInt(0, 1_000_000)}`): ApplicationRequest {
  return {
    borrowerId,
    applicant: {
      idNumber: sampleIdNumber(),
      name: '李华',
      phone: '+8613912345678',
      email: 'lihua@example.com',
      birthDate: '1993-07-12',
      employment: { status: 'employed', monthsInCurrentJob: 28, monthlyIncome: 1_200_000 },
      monthlyDebtPayments: 150_000,
    },
    bureau: {
      activeLoansOtherLenders: 1,
      inquiriesLast90Days: 2,
      worstDpdLast12Months: 0,
      creditHistoryMonths: 52,
    },
    request: { amount: 800_000, termMonths: 6, repaymentMethod: 'equal_installment' },
    consents: {
      contactBySms: true,
      contactByEmail: true,
      shareWithCollectionAgencies: false,
      sensitiveData: true,
    },
  };
}
