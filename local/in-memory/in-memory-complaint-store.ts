import { DeskTaskChanged } from '#shared/errors/domain-errors.ts';
import type {
  ComplaintAuditRecord,
  ComplaintPage,
  ComplaintRecord,
  ComplaintStore,
} from '#shared/ports/complaints.ts';
import { decodeIndexCursor, encodeIndexCursor } from '#shared/storage/desk-index.ts';
import { stored } from './copy.ts';

/** Complaints in memory, listed oldest first per status with the same cursors as the desk index. */
export class InMemoryComplaintStore implements ComplaintStore {
  private readonly complaints = new Map<string, ComplaintRecord>();
  private readonly audit: ComplaintAuditRecord[] = [];

  async record(complaint: ComplaintRecord): Promise<boolean> {
    if (this.complaints.has(complaint.complaintId)) return false;
    this.complaints.set(complaint.complaintId, stored(complaint));
    return true;
  }

  async get(complaintId: string): Promise<ComplaintRecord | undefined> {
    const found = this.complaints.get(complaintId);
    return found ? stored(found) : undefined;
  }

  async list(filter: { status: 'open' | 'closed'; limit: number; cursor?: string }): Promise<ComplaintPage> {
    const partition = `COMPLAINTS#${filter.status}`;
    const after = filter.cursor ? decodeIndexCursor(filter.cursor, partition).deskSort : '';
    const sorted = this.sorted(filter.status).filter((c) => sortKey(c) > (after ?? ''));
    const page = sorted.slice(0, filter.limit);
    const last = page.at(-1);
    // As a Query with a Limit: a full page has a cursor, even when nothing follows it.
    const cursor =
      last && page.length === filter.limit
        ? encodeIndexCursor({
            pk: `COMPLAINT#${last.complaintId}`,
            sk: 'COMPLAINT',
            deskStatus: partition,
            deskSort: sortKey(last),
          })
        : undefined;
    return { complaints: page.map(stored), ...(cursor ? { cursor } : {}) };
  }

  async listOpenReceivedBefore(instant: string): Promise<ComplaintRecord[]> {
    return this.sorted('open')
      .filter((c) => sortKey(c) < instant)
      .map(stored);
  }

  async answer(
    complaint: ComplaintRecord,
    answer: { text: string; by: string; at: string },
    audit: ComplaintAuditRecord,
  ): Promise<void> {
    const current = this.complaints.get(complaint.complaintId);
    if (current?.status !== 'open') throw new DeskTaskChanged('the complaint changed');
    this.complaints.set(complaint.complaintId, {
      ...current,
      status: 'closed',
      answer: answer.text,
      answeredBy: answer.by,
      answeredAt: answer.at,
    });
    this.audit.push(stored(audit));
  }

  async listAudit(complaintId: string): Promise<ComplaintAuditRecord[]> {
    return this.audit
      .filter((a) => a.complaintId === complaintId)
      .sort((a, b) => `${a.at}#${a.auditId}`.localeCompare(`${b.at}#${b.auditId}`))
      .map(stored);
  }

  private sorted(status: 'open' | 'closed'): ComplaintRecord[] {
    return [...this.complaints.values()]
      .filter((c) => c.status === status)
      .sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  }
}

const sortKey = (c: ComplaintRecord) => `${c.receivedAt}#${c.complaintId}`;
