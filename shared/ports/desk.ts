import type { AgentOutcome } from '#shared/collection/desk-task.ts';
import type { Dispute } from '#shared/collection/ladder.ts';
import type { OpenPromise } from '#shared/collection/promises.ts';
import type { Fen, LocalDate } from '#shared/lending/types.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { CollectionTask } from './records.ts';

/** Someone on the desk, as the Cognito authorizer names them. */
export interface OpsUser {
  /** The user's `sub`: what audit records carry, never a name or an email. */
  userId: string;
  groups: readonly ('agent' | 'supervisor')[];
}

/**
 * One desk action, kept 5 years (domain rules, "Collection desk"): who, when, what, with which inputs
 * (no personal data: ids, codes, amounts and dates only) and why.
 */
export interface AuditRecord {
  auditId: string;
  loanId: string;
  partnerId: string;
  userId: string;
  at: string;
  action:
    | 'task.claim'
    | 'task.release'
    | 'task.outcome'
    // The supervisor's actions.
    | 'hardship.decision'
    | 'loan.restructure'
    | 'charges.waive'
    | 'hardship.bulk_deferral'
    | 'dispute.resolve';
  inputs: Record<string, string | number | boolean>;
  reason?: string;
}

/** A promise to pay as stored: made by a desk call or by the partner (the borrower in the app). */
export interface PromiseToPay {
  /** A desk promise's id is its task's (one per call); a partner's is new. */
  promiseId: string;
  loanId: string;
  partnerId: string;
  /** The episode open when it was made (none when nothing had escalated yet). */
  episode?: number;
  /** The task whose outcome made it (desk promises). */
  taskId?: string;
  source: 'desk' | 'partner';
  date: LocalDate;
  amount: Fen;
  madeAt: string;
  /** The agent's user id, or the partner's id. */
  madeBy: string;
  status: 'open' | 'kept' | 'broken';
  /** Set by the judgment: the business date it was judged on and what was paid towards it. */
  judgedOn?: LocalDate;
  paid?: Fen;
}

/** The loan's collection state an outcome changes, saved only if the loan is still at `expectedVersion`. */
export interface LoanHold {
  loanId: string;
  expectedVersion: number;
  promise?: OpenPromise;
  dispute?: Dispute;
}

export interface TaskFilter {
  status: 'open' | 'claimed' | 'done';
  rung?: string;
  partnerId?: string;
  /** Tasks opened before this instant (a task is due from the moment its rung opens it). */
  dueBefore?: string;
  limit: number;
  /** Where the previous page ended (the store's own opaque cursor). */
  cursor?: string;
}

export interface TaskPage {
  tasks: CollectionTask[];
  cursor?: string;
}

/** The claim's effect, saved only if the task is still as the decision saw it. */
export interface ClaimWrite {
  task: CollectionTask;
  agentId: string;
  leaseUntil: string;
  /** The borrower's daily call count the claim is checked against (see `callCapAllows`). */
  callDay: { identityHash: string; localDate: LocalDate; cap: number };
  audit: AuditRecord;
}

export interface OutcomeWrite {
  task: CollectionTask;
  outcome: AgentOutcome;
  note?: string;
  completedAt: string;
  completedBy: string;
  promise?: PromiseToPay;
  /** A promise or a dispute holds the ladder: the loan records it in the same transaction. */
  hold?: LoanHold;
  /** A wrong number: SMS to the number with this hash stop (the borrower's mark). */
  wrongNumber?: { partnerId: string; borrowerId: string; since: string; phoneHash: string };
  audit: AuditRecord;
  events: DomainEvent[];
}

/**
 * The desk's store: agent tasks as the ladder recorded them, their claims and outcomes, promises, and the
 * audit trail. Each write saves its effect and its audit record in one transaction, conditional on the
 * task being as it was read; a lost race throws `DeskTaskChanged`, a full call day `CallCapReached`.
 */
export interface DeskStore {
  getTask(loanId: string, taskId: string): Promise<CollectionTask | undefined>;
  listTasks(filter: TaskFilter, now: Date): Promise<TaskPage>;
  /** Task ids already counted as calls to the borrower on that local day. */
  callsOn(identityHash: string, localDate: LocalDate): Promise<string[]>;
  claim(write: ClaimWrite): Promise<void>;
  release(task: CollectionTask, agentId: string, audit: AuditRecord): Promise<void>;
  recordOutcome(write: OutcomeWrite): Promise<void>;
  listAudit(loanId: string): Promise<AuditRecord[]>;
  /** Lifts the loan's dispute, with its audit record; `LoanVersionConflict` when the loan changed. */
  resolveDispute(loanId: string, expectedVersion: number, audit: AuditRecord): Promise<void>;
}
