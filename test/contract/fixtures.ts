import type {
  ApplicationRecord,
  BorrowerRecord,
  ContactKey,
  SlotReservation,
} from '#shared/ports/records.ts';

/** A borrower as scoring stores it (ciphertexts stand in for the key service's). */
export function borrowerFixture(overrides: Partial<BorrowerRecord> & { borrowerId: string }): BorrowerRecord {
  return {
    partnerId: 'p-demo',
    identityHash: `id-${overrides.borrowerId}`,
    nameEncrypted: 'enc:name',
    phoneEncrypted: 'enc:phone',
    phoneHash: `phone-${overrides.borrowerId}`,
    emailEncrypted: 'enc:email',
    preferences: {
      language: 'zh-CN',
      timezone: 'Asia/Shanghai',
      optOut: [],
      consents: {
        contactBySms: true,
        contactByEmail: true,
        shareWithCollectionAgencies: false,
        sensitiveData: true,
      },
    },
    createdAt: '2027-05-01T00:00:00.000Z',
    updatedAt: '2027-05-01T00:00:00.000Z',
    ...overrides,
  };
}

/** An approved decision, as scoring stores it. */
export function applicationFixture(
  overrides: Partial<ApplicationRecord> & { applicationId: string },
): ApplicationRecord {
  return {
    partnerId: 'p-demo',
    borrowerId: 'u1',
    identityHash: 'id-hash-u1',
    decision: 'approve',
    score: 640,
    grade: 'B',
    reasons: [{ code: 'GOOD_HISTORY', text: 'long credit history' }],
    offer: {
      amount: 300_000,
      termMonths: 3,
      aprBps: 1800,
      repaymentMethod: 'equal_installment',
      installmentAmount: 102_000,
      totalRepayable: 306_000,
    },
    modelVersion: 'contract',
    inputHash: 'input-hash',
    createdAt: '2027-05-01T00:00:00.000Z',
    expiresAt: '2027-05-08T00:00:00.000Z',
    ...overrides,
  };
}

export function contactKey(loanId: string, overrides: Partial<ContactKey> = {}): ContactKey {
  return { loanId, installmentNo: 1, occurrence: '2027-06-10', stage: 'D-3', channel: 'sms', ...overrides };
}

export function slotFixture(
  identityHash: string,
  messageKey: string,
  overrides: Partial<SlotReservation> = {},
) {
  return { identityHash, localDate: '2027-06-07', channel: 'sms', messageKey, cap: 2, ...overrides };
}

/** `t` moved on by whole seconds. */
export function secondsAfter(t: Date, seconds: number): Date {
  return new Date(t.getTime() + seconds * 1000);
}
