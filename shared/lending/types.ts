/** Integer minor units (fen). Never fractional. */
export type Fen = number;
/** Basis points per year. */
export type Bps = number;
/** A calendar date `YYYY-MM-DD` in the lender's time zone. */
export type LocalDate = string;

export type RepaymentMethod = 'equal_installment' | 'equal_principal' | 'bullet';

/** One scheduled installment as the schedule generator produces it. */
export interface ScheduledInstallment {
  /** 1-based. */
  installmentNo: number;
  dueDate: LocalDate;
  principalDue: Fen;
  interestDue: Fen;
  feeDue: Fen;
  /** principalDue + interestDue + feeDue. */
  amountDue: Fen;
}

/** An installment with what has been paid and accrued on it. */
export interface InstallmentState extends ScheduledInstallment {
  principalPaid: Fen;
  interestPaid: Fen;
  feePaid: Fen;
  penaltyAccrued: Fen;
  penaltyPaid: Fen;
  /** Penalty has been accrued for every day up to and including this date. */
  penaltyAccruedThrough: LocalDate | null;
}

export interface LoanTerms {
  principal: Fen;
  aprBps: Bps;
  termMonths: number;
  repaymentMethod: RepaymentMethod;
  disbursedOn: LocalDate;
  /** A flat fee per installment, included in the all-in APR. */
  feePerInstallment?: Fen;
}

export type Classification = 'partial' | 'full' | 'consecutive';
export type Bucket = 'current' | 'M1' | 'M2' | 'M3' | 'M3+';
