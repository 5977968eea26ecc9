import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRules, loadRules } from '#shared/config/rules.ts';
import { BorrowerIdentityMismatch } from '#shared/errors/domain-errors.ts';
import {
  type ApplicationFacts,
  applicationIdFor,
  applicationScored,
  canonicalJson,
  decideApplication,
  toDecision,
} from '#shared/origination/decide-application.ts';
import type { BorrowerRecord } from '#shared/ports/records.ts';
import { type ApplicationRequest, applicationRequestSchema } from '#shared/schemas/applications.ts';
import { reasonTexts } from '#shared/scoring/reasons.ts';
import application from '../../fixtures/application.json' with { type: 'json' };

const rules = defaultRules;
/** 10:00 in Shanghai on 2027-06-01. */
const NOW = new Date('2027-06-01T02:00:00.000Z');

function body(change: (b: ApplicationRequest) => void = () => {}): ApplicationRequest {
  const b = applicationRequestSchema.parse(structuredClone(application));
  change(b);
  return b;
}

function facts(over: Partial<ApplicationFacts> = {}): ApplicationFacts {
  return {
    partnerId: 'p1',
    body: body(),
    identityHash: 'hash-of-id',
    applicationId: 'app-1',
    borrowerId: 'alpha-user-42',
    overdueExisting: false,
    hardshipActive: false,
    now: NOW,
    ...over,
  };
}

function storedBorrower(identityHash: string): BorrowerRecord {
  return {
    partnerId: 'p1',
    borrowerId: 'alpha-user-42',
    identityHash,
    nameEncrypted: 'enc:name',
    phoneEncrypted: 'enc:phone',
    preferences: {
      language: 'en',
      timezone: 'Asia/Shanghai',
      optOut: [],
      consents: {
        contactBySms: true,
        contactByEmail: true,
        shareWithCollectionAgencies: false,
        sensitiveData: true,
      },
    },
    createdAt: '2027-01-01T00:00:00.000Z',
    updatedAt: '2027-01-01T00:00:00.000Z',
  };
}

const codes = (f: ApplicationFacts) => decideApplication(f, rules).reasons.map((r) => r.code);

/** A thin, somewhat late file: scores 590, grade D (referred by grade). */
const gradeD = (b: ApplicationRequest) => {
  b.bureau.worstDpdLast12Months = 10;
  b.bureau.inquiriesLast90Days = 4;
  b.bureau.activeLoansOtherLenders = 3;
  b.bureau.creditHistoryMonths = 30;
  b.applicant.employment.monthsInCurrentJob = 3;
};

describe('decideApplication: outcomes and reason codes', () => {
  it('approves the fixture applicant at grade A with the full requested amount and no reasons', () => {
    const record = decideApplication(facts(), rules);
    expect(record.decision).toBe('approve');
    expect(record.grade).toBe('A');
    expect(record.score).toBe(700);
    expect(record.reasons).toEqual([]);
    expect(record.offer).toEqual({
      amount: 800_000,
      termMonths: 6,
      aprBps: rules.scoring.gradeAprBps.A,
      repaymentMethod: 'equal_installment',
      installmentAmount: 137_249,
      totalRepayable: 823_494,
    });
  });

  it('approves a reduced amount (6 × income) with AMOUNT_REDUCED when the request is above it', () => {
    const record = decideApplication(
      facts({
        body: body((b) => {
          b.applicant.employment.monthlyIncome = 1_000_000;
          b.applicant.monthlyDebtPayments = 0;
          b.request.amount = 8_000_000;
          b.request.termMonths = 24;
        }),
      }),
      rules,
    );
    expect(record.decision).toBe('approve');
    expect(record.offer?.amount).toBe(6_000_000);
    expect(record.reasons.map((r) => r.code)).toEqual(['AMOUNT_REDUCED']);
  });

  it('refers a grade-D applicant with the adverse reasons, most costly first, and no offer', () => {
    const record = decideApplication(facts({ body: body(gradeD) }), rules);
    expect(record.decision).toBe('refer');
    expect(record.grade).toBe('D');
    expect(record.score).toBe(590);
    expect(record.offer).toBeNull();
    expect(record.reasons.map((r) => r.code)).toEqual([
      'DELINQUENCY_HISTORY',
      'EMPLOYMENT',
      'INQUIRIES',
      'OTHER_LENDER_LOANS',
    ]);
  });

  it('declines on a hard gate with that gate first (MULTI_LENDING at 5 loans elsewhere)', () => {
    const record = decideApplication(
      facts({
        body: body((b) => {
          b.bureau.activeLoansOtherLenders = 5;
        }),
      }),
      rules,
    );
    expect(record.decision).toBe('decline');
    expect(record.offer).toBeNull();
    expect(record.reasons[0]?.code).toBe('MULTI_LENDING');
  });

  it('declines an applicant younger than the minimum age with AGE first', () => {
    // Born 2010-01-01: 17 on 2027-06-01.
    const young = body((b) => {
      b.applicant.birthDate = '2010-01-01';
    });
    expect(codes(facts({ body: young }))[0]).toBe('AGE');
  });

  it('declines an offer below the minimum loan with AMOUNT_LIMIT', () => {
    const small = body((b) => {
      b.request.amount = 40_000;
    });
    const record = decideApplication(facts({ body: small }), rules);
    expect(record.decision).toBe('decline');
    expect(record.reasons[0]?.code).toBe('AMOUNT_LIMIT');
  });

  it('declines a grade-E score with its adverse reasons only', () => {
    const record = decideApplication(
      facts({
        body: body((b) => {
          b.bureau.worstDpdLast12Months = 40;
          b.bureau.inquiriesLast90Days = 6;
          b.bureau.activeLoansOtherLenders = 4;
          b.bureau.creditHistoryMonths = 6;
        }),
      }),
      rules,
    );
    expect(record.decision).toBe('decline');
    expect(record.grade).toBe('E');
    expect(record.reasons.map((r) => r.code)).toEqual([
      'DELINQUENCY_HISTORY',
      'INQUIRIES',
      'OTHER_LENDER_LOANS',
      'CREDIT_HISTORY',
    ]);
  });

  it('declines an otherwise approvable applicant who is overdue elsewhere, OVERDUE_EXISTING first', () => {
    const record = decideApplication(facts({ overdueExisting: true }), rules);
    expect(record.decision).toBe('decline');
    expect(record.offer).toBeNull();
    expect(record.reasons[0]?.code).toBe('OVERDUE_EXISTING');
  });

  it('puts OVERDUE_EXISTING ahead of every other gate that also declines', () => {
    const f = facts({
      overdueExisting: true,
      body: body((b) => {
        b.bureau.activeLoansOtherLenders = 5;
        b.bureau.inquiriesLast90Days = 9;
      }),
    });
    expect(codes(f).slice(0, 3)).toEqual(['OVERDUE_EXISTING', 'MULTI_LENDING', 'INQUIRY_VELOCITY']);
  });

  it('declines (not refers) when the person is both overdue and under hardship', () => {
    const record = decideApplication(facts({ overdueExisting: true, hardshipActive: true }), rules);
    expect(record.decision).toBe('decline');
    expect(record.reasons.map((r) => r.code)).not.toContain('HARDSHIP_ACTIVE');
  });

  it('refers an otherwise approvable applicant under an active hardship plan with HARDSHIP_ACTIVE first', () => {
    const record = decideApplication(facts({ hardshipActive: true }), rules);
    expect(record.decision).toBe('refer');
    expect(record.offer).toBeNull();
    expect(record.reasons[0]?.code).toBe('HARDSHIP_ACTIVE');
  });

  it('puts HARDSHIP_ACTIVE ahead of the adverse reasons of a grade-D referral', () => {
    const record = decideApplication(facts({ body: body(gradeD), hardshipActive: true }), rules);
    expect(record.decision).toBe('refer');
    expect(record.reasons.map((r) => r.code)).toEqual([
      'HARDSHIP_ACTIVE',
      'DELINQUENCY_HISTORY',
      'EMPLOYMENT',
      'INQUIRIES',
    ]);
  });

  it('keeps at most maxReasons reasons', () => {
    const few = loadRules({ scoring: { maxReasons: 2 } });
    const record = decideApplication(facts({ body: body(gradeD) }), few);
    expect(record.reasons.map((r) => r.code)).toEqual(['DELINQUENCY_HISTORY', 'EMPLOYMENT']);
  });

  it('stores the English text of every reason code', () => {
    const record = decideApplication(facts({ body: body(gradeD) }), rules);
    for (const r of record.reasons) {
      expect(r.text).toBe(reasonTexts[r.code as keyof typeof reasonTexts].en);
    }
  });
});

describe('decideApplication: the stored record', () => {
  it('carries the ids it was given, the model version and createdAt = now', () => {
    const record = decideApplication(facts(), rules);
    expect(record).toMatchObject({
      applicationId: 'app-1',
      partnerId: 'p1',
      borrowerId: 'alpha-user-42',
      identityHash: 'hash-of-id',
      modelVersion: rules.scoring.modelVersion,
      createdAt: '2027-06-01T02:00:00.000Z',
    });
    expect(record.loanId).toBeUndefined();
  });

  it('expires offerValidityHours after now', () => {
    expect(decideApplication(facts(), rules).expiresAt).toBe('2027-06-04T02:00:00.000Z');
    const short = loadRules({ scoring: { offerValidityHours: 5 } });
    expect(decideApplication(facts(), short).expiresAt).toBe('2027-06-01T07:00:00.000Z');
  });

  it('holds no name, phone, email or ID number', () => {
    const json = JSON.stringify(decideApplication(facts(), rules));
    const { applicant } = body();
    for (const secret of [applicant.idNumber, applicant.name, applicant.phone, applicant.email ?? '']) {
      expect(json).not.toContain(secret);
    }
  });
});

describe('decideApplication: identity of a stored borrower', () => {
  it('throws BorrowerIdentityMismatch when the stored borrower has another identity hash', () => {
    expect(() =>
      decideApplication(facts({ existingBorrower: storedBorrower('hash-of-someone-else') }), rules),
    ).toThrow(BorrowerIdentityMismatch);
  });

  it('throws the mismatch even when the person would otherwise be declined', () => {
    const f = facts({ overdueExisting: true, existingBorrower: storedBorrower('other') });
    expect(() => decideApplication(f, rules)).toThrow(BorrowerIdentityMismatch);
  });

  it('decides for a stored borrower with the same identity hash', () => {
    const record = decideApplication(facts({ existingBorrower: storedBorrower('hash-of-id') }), rules);
    expect(record.decision).toBe('approve');
  });
});

describe('canonicalJson', () => {
  it('writes object keys in sorted order, at every depth, and arrays in their own order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('is JSON, with strings, keys and separators escaped as JSON escapes them', () => {
    const value = { 'k,"1': 'a,"b', list: ['x', 2, true], empty: {}, none: [] };
    const written = canonicalJson(value);
    expect(written).toBe('{"empty":{},"k,\\"1":"a,\\"b","list":["x",2,true],"none":[]}');
    expect(JSON.parse(written)).toEqual(value);
  });
});

describe('decideApplication: inputHash', () => {
  it('is a SHA-256 hex digest', () => {
    expect(decideApplication(facts(), rules).inputHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same for the same inputs, whatever the ids and the time of day', () => {
    const a = decideApplication(facts(), rules);
    const b = decideApplication(
      facts({
        applicationId: 'app-2',
        partnerId: 'p2',
        borrowerId: 'other-id',
        // 23:59 the same Shanghai day.
        now: new Date('2027-06-01T15:59:00.000Z'),
      }),
      rules,
    );
    expect(b.inputHash).toBe(a.inputHash);
  });

  it('is the same whatever order the request fields came in', () => {
    // The partner's JSON decides the key order of `request`; the hash must not.
    const a = decideApplication(facts(), rules);
    const reordered = body((b) => {
      const { amount, termMonths, repaymentMethod } = b.request;
      b.request = { repaymentMethod, termMonths, amount };
    });
    expect(Object.keys(reordered.request)).not.toEqual(Object.keys(facts().body.request));
    expect(decideApplication(facts({ body: reordered }), rules).inputHash).toBe(a.inputHash);
  });

  it('changes with the identity hash, the overdue and hardship flags, and the model version', () => {
    const base = decideApplication(facts(), rules).inputHash;
    const variants = [
      decideApplication(facts({ identityHash: 'another-hash' }), rules).inputHash,
      decideApplication(facts({ overdueExisting: true }), rules).inputHash,
      decideApplication(facts({ hardshipActive: true }), rules).inputHash,
      decideApplication(facts(), loadRules({ scoring: { modelVersion: 'scorecard-2099.9' } })).inputHash,
      // The next Shanghai day: the contract date is a scoring input.
      decideApplication(facts({ now: new Date('2027-06-01T16:00:00.000Z') }), rules).inputHash,
    ];
    for (const v of variants) expect(v).not.toBe(base);
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('changes when any one scoring input changes', () => {
    const base = decideApplication(facts(), rules).inputHash;
    const changes: ((b: ApplicationRequest) => void)[] = [
      (b) => {
        b.applicant.birthDate = '1983-07-12';
      },
      (b) => {
        b.applicant.employment.status = 'self_employed';
      },
      (b) => {
        b.applicant.employment.monthsInCurrentJob += 1;
      },
      (b) => {
        b.applicant.employment.monthlyIncome += 1;
      },
      (b) => {
        b.applicant.monthlyDebtPayments += 1;
      },
      (b) => {
        b.bureau.activeLoansOtherLenders += 1;
      },
      (b) => {
        b.bureau.inquiriesLast90Days += 1;
      },
      (b) => {
        b.bureau.worstDpdLast12Months += 1;
      },
      (b) => {
        b.bureau.creditHistoryMonths += 1;
      },
      (b) => {
        b.request.amount += 1;
      },
      (b) => {
        b.request.termMonths += 1;
      },
      (b) => {
        b.request.repaymentMethod = 'equal_principal';
      },
    ];
    const hashes = changes.map((change) => decideApplication(facts({ body: body(change) }), rules).inputHash);
    for (const h of hashes) expect(h).not.toBe(base);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('for any income and amount: equal inputs hash equal, a changed income hashes differently', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 20_000_000 }),
        fc.integer({ min: 1, max: 1000 }),
        (income, amount, delta) => {
          const make = (inc: number) =>
            decideApplication(
              facts({
                body: body((b) => {
                  b.applicant.employment.monthlyIncome = inc;
                  b.request.amount = amount;
                }),
              }),
              rules,
            ).inputHash;
          expect(make(income)).toBe(make(income));
          expect(make(income + delta)).not.toBe(make(income));
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('applicationScored', () => {
  it('carries the ids, decision, grade, score, codes and model version', () => {
    const record = decideApplication(facts({ hardshipActive: true }), rules);
    expect(applicationScored(record)).toEqual({
      type: 'ApplicationScored',
      at: '2027-06-01T02:00:00.000Z',
      detail: {
        applicationId: 'app-1',
        partnerId: 'p1',
        borrowerId: 'alpha-user-42',
        decision: 'refer',
        grade: 'A',
        score: 700,
        codes: record.reasons.map((r) => r.code),
        modelVersion: rules.scoring.modelVersion,
      },
    });
    expect(applicationScored(record).detail.codes).toContain('HARDSHIP_ACTIVE');
  });

  it('carries no personal data: no identity hash, ID number, name, phone or email', () => {
    const json = JSON.stringify(applicationScored(decideApplication(facts(), rules)));
    const { applicant } = body();
    for (const secret of [
      'hash-of-id',
      applicant.idNumber,
      applicant.name,
      applicant.phone,
      applicant.email ?? '',
    ]) {
      expect(json).not.toContain(secret);
    }
  });
});

describe('toDecision', () => {
  it('gives the reasons in the caller language and leaves out the identity and input hashes', () => {
    const record = decideApplication(facts({ hardshipActive: true }), rules);
    const zh = toDecision(record, 'zh-CN');
    expect(zh.reasons[0]).toEqual({ code: 'HARDSHIP_ACTIVE', text: reasonTexts.HARDSHIP_ACTIVE['zh-CN'] });
    expect(toDecision(record, 'en').reasons[0]?.text).toBe(reasonTexts.HARDSHIP_ACTIVE.en);
    expect(Object.keys(zh).sort()).toEqual(
      [
        'applicationId',
        'borrowerId',
        'createdAt',
        'decision',
        'expiresAt',
        'grade',
        'modelVersion',
        'offer',
        'reasons',
        'score',
      ].sort(),
    );
  });
});

describe('the behaviour standing of a person who borrowed before', () => {
  it('declines while a broken promise suspends the person', () => {
    const behaviour = { suspended: true, limit: 10_000_000, outstanding: 0 };
    expect(codes(facts({ behaviour }))).toContain('BEHAVIOUR_SUSPENDED');
    expect(codes(facts())).not.toContain('BEHAVIOUR_SUSPENDED');
  });
});

describe('toDecision of a reviewed decline', () => {
  it('shows the partner the review requested', () => {
    const review = { status: 'requested' as const, requestedAt: '2027-06-02T02:00:00.000Z' };
    const record = { ...decideApplication(facts({ hardshipActive: true }), rules), review };
    expect(toDecision(record, 'en').review).toEqual(review);
  });
});

describe('applicationIdFor', () => {
  it('is the same for the same partner and key', () => {
    expect(applicationIdFor('p1', 'key-1')).toBe(applicationIdFor('p1', 'key-1'));
  });

  it('has the app_ prefix and 28 hex characters', () => {
    expect(applicationIdFor('p1', 'key-1')).toMatch(/^app_[0-9a-f]{28}$/);
  });

  it('differs across partners for the same key, and across keys for the same partner', () => {
    expect(applicationIdFor('p1', 'key-1')).not.toBe(applicationIdFor('p2', 'key-1'));
    expect(applicationIdFor('p1', 'key-1')).not.toBe(applicationIdFor('p1', 'key-2'));
  });

  it('does not collide when partner and key swap or shift characters', () => {
    expect(applicationIdFor('ab', 'c')).not.toBe(applicationIdFor('a', 'bc'));
    expect(applicationIdFor('x', 'y')).not.toBe(applicationIdFor('y', 'x'));
  });

  it('for any two distinct (partner, key) pairs of external ids gives distinct ids', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
    fc.assert(
      fc.property(id, id, id, id, (p1, k1, p2, k2) => {
        fc.pre(p1 !== p2 || k1 !== k2);
        expect(applicationIdFor(p1, k1)).not.toBe(applicationIdFor(p2, k2));
      }),
    );
  });
});

describe('the age behind the AGE gate', () => {
  // The fixture applicant was born on 1993-07-12: 18 from 00:00 on 2011-07-12 in Shanghai, 66 from 2059-07-12.
  it('turns 18 at midnight of the birthday in the lender’s time zone, and 66 likewise', () => {
    const at = (iso: string) => codes(facts({ now: new Date(iso) }));
    expect(at('2011-07-11T15:59:00Z')[0]).toBe('AGE'); // 23:59 on the 11th in Shanghai: 17
    expect(at('2011-07-11T16:00:00Z')).not.toContain('AGE'); // 00:00 on the 12th: 18
    expect(at('2059-07-11T15:59:00Z')).not.toContain('AGE'); // 65
    expect(at('2059-07-11T16:00:00Z')[0]).toBe('AGE'); // 66
  });
});
