import { complaintAnswerDueAt, isComplaintOverdue } from '#shared/collection/complaints.ts';
import { personalDataIn } from '#shared/collection/personal-data-in-text.ts';
import type { Rules } from '#shared/config/rules.ts';
import { ComplaintNotFound, NoteCarriesPersonalData } from '#shared/errors/domain-errors.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { ComplaintRecord, ComplaintStore } from '#shared/ports/complaints.ts';
import type { OpsUser } from '#shared/ports/desk.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import { complaintTextField, type KeyService } from '#shared/ports/key-service.ts';

export interface ComplaintDeps {
  complaints: ComplaintStore;
  keys: KeyService;
  clock: Clock;
  ids: IdGenerator;
  rules: Rules;
}

/** A complaint as the desk sees it: its text opened, its age, and when it had to be answered by. */
export interface ComplaintView extends Omit<ComplaintRecord, 'textEncrypted' | 'phoneHash'> {
  text: string;
  ageMinutes: number;
  answerDueAt: string;
  overdue: boolean;
}

async function viewOf(deps: ComplaintDeps, complaint: ComplaintRecord, now: Date): Promise<ComplaintView> {
  const { textEncrypted, phoneHash: _, ...rest } = complaint;
  const dueAt = complaintAnswerDueAt(
    complaint.receivedAt,
    deps.rules.timezone,
    deps.rules.collection.complaintAnswerBusinessDays,
  );
  return {
    ...rest,
    text: await deps.keys.decrypt(textEncrypted, complaintTextField(complaint.complaintId)),
    ageMinutes: Math.max(0, Math.floor((now.getTime() - Date.parse(complaint.receivedAt)) / 60_000)),
    answerDueAt: dueAt.toISOString(),
    overdue: complaint.status === 'open' && now.getTime() > dueAt.getTime(),
  };
}

/** Complaints by status, oldest first, a page at a time, their texts opened for the desk. */
export async function listComplaints(
  deps: ComplaintDeps,
  filter: { status: 'open' | 'closed'; limit: number; cursor?: string },
): Promise<{ complaints: ComplaintView[]; cursor?: string }> {
  const now = deps.clock.now();
  const page = await deps.complaints.list(filter);
  return {
    complaints: await Promise.all(page.complaints.map((c) => viewOf(deps, c, now))),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}

/** One complaint with its audit trail. */
export async function showComplaint(deps: ComplaintDeps, complaintId: string) {
  const complaint = await deps.complaints.get(complaintId);
  if (!complaint) throw new ComplaintNotFound();
  return {
    ...(await viewOf(deps, complaint, deps.clock.now())),
    audit: await deps.complaints.listAudit(complaintId),
  };
}

/**
 * A supervisor answers a complaint and closes it, with its audit record in the same write. The answer is
 * kept for years beside the audit trail, so it must carry no personal data (422 naming the field).
 */
export async function answerComplaint(
  deps: ComplaintDeps,
  user: OpsUser,
  complaintId: string,
  input: { answer: string },
): Promise<ComplaintView> {
  const found = personalDataIn(input.answer);
  if (found) throw new NoteCarriesPersonalData('answer', found);
  const complaint = await deps.complaints.get(complaintId);
  if (!complaint) throw new ComplaintNotFound();
  const now = deps.clock.now();
  const at = now.toISOString();
  const dueAt = complaintAnswerDueAt(
    complaint.receivedAt,
    deps.rules.timezone,
    deps.rules.collection.complaintAnswerBusinessDays,
  );
  await deps.complaints.answer(
    complaint,
    { text: input.answer, by: user.userId, at },
    {
      auditId: deps.ids.next('aud'),
      complaintId,
      userId: user.userId,
      at,
      action: 'complaint.answer',
      inputs: { complaintId, answeredLate: now.getTime() > dueAt.getTime() },
    },
  );
  return viewOf(
    deps,
    { ...complaint, status: 'closed', answer: input.answer, answeredBy: user.userId, answeredAt: at },
    now,
  );
}

/**
 * Open complaints past their answer deadline (the alarm's figure). Only those received at least the
 * deadline's business days ago can be: a business day is never shorter than a calendar day.
 */
export async function complaintsPastDeadline(
  deps: Pick<ComplaintDeps, 'complaints' | 'clock' | 'rules'>,
): Promise<number> {
  const now = deps.clock.now();
  const days = deps.rules.collection.complaintAnswerBusinessDays;
  const candidates = await deps.complaints.listOpenReceivedBefore(
    new Date(now.getTime() - days * 86_400_000).toISOString(),
  );
  return candidates.filter((c) => isComplaintOverdue(c, now, deps.rules.timezone, days)).length;
}
