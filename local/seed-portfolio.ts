import type { Rules } from '#shared/config/rules.ts';
import { newBorrowerRecord } from '#shared/origination/new-borrower.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { KeyService } from '#shared/ports/key-service.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { Portfolio } from '#shared/schemas/portfolio.ts';
import { bookLoan } from '#shared/servicing/book-loan.ts';

export interface SeedDeps {
  repos: Pick<Stores, 'borrowers' | 'loans'>;
  keys: KeyService;
  events: EventBus;
  rules: Rules;
}

/** Stores the portfolio's borrowers (ID hashed, contact data encrypted) and books its loans as given. */
export async function seedPortfolio(
  deps: SeedDeps,
  portfolio: Portfolio,
  now: Date,
): Promise<{ borrowers: number; loans: number }> {
  const identityOf = new Map<string, { identityHash: string; provinceCode?: string }>();
  const at = now.toISOString();
  for (const b of portfolio.borrowers) {
    const borrower = await newBorrowerRecord(
      deps.keys,
      b,
      {
        language: b.language ?? 'zh-CN',
        timezone: b.timezone ?? portfolio.timezone ?? deps.rules.timezone,
        optOut: b.optOut ?? [],
        // A book's borrower without consents is one whose consents the lender attests were all given.
        consents: b.consents ?? {
          contactBySms: true,
          contactByEmail: true,
          shareWithCollectionAgencies: true,
          sensitiveData: true,
        },
      },
      at,
    );
    identityOf.set(`${b.partnerId}#${b.borrowerId}`, {
      identityHash: borrower.identityHash,
      provinceCode: borrower.provinceCode,
    });
    await deps.repos.borrowers.upsert(borrower);
  }
  for (const l of portfolio.loans) {
    const identity = identityOf.get(`${l.partnerId}#${l.borrowerId}`);
    if (!identity)
      throw new Error(`loan ${l.loanId}: borrower ${l.borrowerId} of ${l.partnerId} is not in the portfolio`);
    await bookLoan(
      // A seeded loan has no application, so no income: the limit waits for the person's first application.
      { ...deps, clock: { now: () => now } },
      {
        loanId: l.loanId,
        partnerId: l.partnerId,
        borrowerId: l.borrowerId,
        ...identity,
        productId: l.productId,
        terms: {
          principal: l.principal,
          aprBps: l.aprBps,
          termMonths: l.termMonths,
          repaymentMethod: l.repaymentMethod,
          disbursedOn: l.disbursedOn,
        },
      },
      now,
    );
  }
  return { borrowers: portfolio.borrowers.length, loans: portfolio.loans.length };
}
