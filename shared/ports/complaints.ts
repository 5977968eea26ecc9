/**
 * A complaint: an inbound message that is not an opt-out keyword, for a person to read and answer. The
 * text is personal data (it may name anyone, quote numbers): stored encrypted, shown only to the desk.
 */
export interface ComplaintRecord {
  complaintId: string;
  receivedAt: string;
  /** HMAC of the sender's number (never the number). */
  phoneHash: string;
  /** The borrowers using that number when it arrived (none: a number Duebell does not know). */
  borrowers: { partnerId: string; borrowerId: string }[];
  /** The message text, sealed to this complaint (`complaintText` context). */
  textEncrypted: string;
  status: 'open' | 'closed';
  /** The supervisor's answer (checked free of personal data), who gave it and when. */
  answer?: string;
  answeredBy?: string;
  answeredAt?: string;
}

/** One desk action on a complaint, kept 5 years like the loans' audit trail. */
export interface ComplaintAuditRecord {
  auditId: string;
  complaintId: string;
  userId: string;
  at: string;
  action: 'complaint.answer';
  inputs: Record<string, string | number | boolean>;
  reason?: string;
}

export interface ComplaintPage {
  complaints: ComplaintRecord[];
  cursor?: string;
}

/** Complaints, listed by status and age (oldest first) from the desk index; answers with their audit. */
export interface ComplaintStore {
  /** Records a new complaint; false when this one (its id) was recorded already. */
  record(complaint: ComplaintRecord): Promise<boolean>;
  get(complaintId: string): Promise<ComplaintRecord | undefined>;
  list(filter: { status: 'open' | 'closed'; limit: number; cursor?: string }): Promise<ComplaintPage>;
  /** Open complaints received before the instant, oldest first (those that may be past their deadline). */
  listOpenReceivedBefore(instant: string): Promise<ComplaintRecord[]>;
  /** Closes an open complaint with its answer and audit record in one transaction; `DeskTaskChanged` if not open. */
  answer(
    complaint: ComplaintRecord,
    answer: { text: string; by: string; at: string },
    audit: ComplaintAuditRecord,
  ): Promise<void>;
  listAudit(complaintId: string): Promise<ComplaintAuditRecord[]>;
}
