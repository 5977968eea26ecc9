import { createHash } from 'node:crypto';
import type { Rules } from '#shared/config/rules.ts';
import { isOptOutKeyword } from '#shared/contact/templates.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { ComplaintStore } from '#shared/ports/complaints.ts';
import { complaintTextField, type KeyService } from '#shared/ports/key-service.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { WatchSignals } from '#shared/ports/watchlist.ts';
import { warnIfUnreachable } from './warn-unreachable.ts';

export interface InboundSmsDeps {
  repos: Pick<Stores, 'borrowers' | 'loans'>;
  /** `ALL_CHANNELS_OPTED_OUT` when the STOP leaves a borrower no channel. */
  watchlist: WatchSignals;
  complaints: ComplaintStore;
  keys: KeyService;
  clock: Clock;
  rules: Rules;
}

export interface InboundSms {
  /** The carrier's id of the message: the same on every delivery of it. */
  messageId: string;
  from: string;
  body: string;
}

/**
 * One complaint per inbound message, whatever the number of deliveries: its id is derived from the
 * carrier's message id, so a redelivered message finds its complaint already recorded.
 */
export function complaintIdFor(inboundMessageId: string): string {
  return `cmp-${createHash('sha256').update(inboundMessageId).digest('hex').slice(0, 24)}`;
}

/**
 * An inbound SMS with an opt-out keyword (STOP, TD, 退订 …) opts every borrower using that number out
 * of SMS at once, at every partner (a borrower who has since moved to another number is left alone); one
 * left with no channel gets `ALL_CHANNELS_OPTED_OUT` on their loans still current or in grace.
 * Anything else is a complaint for the desk (domain rules, "Collection desk"): recorded once per message,
 * its text encrypted, naming the borrowers who use the number.
 */
export async function handleInboundSms(
  deps: InboundSmsDeps,
  message: InboundSms,
): Promise<{ optedOut: number; complaints: number }> {
  const phoneHash = deps.keys.hashPhone(message.from);
  const borrowers = await deps.repos.borrowers.findByPhoneHash(phoneHash);
  const at = deps.clock.now().toISOString();
  if (!isOptOutKeyword(message.body, deps.rules)) {
    const complaintId = complaintIdFor(message.messageId);
    const recorded = await deps.complaints.record({
      complaintId,
      receivedAt: at,
      phoneHash,
      borrowers: borrowers.map((b) => ({ partnerId: b.partnerId, borrowerId: b.borrowerId })),
      textEncrypted: await deps.keys.encrypt(message.body, complaintTextField(complaintId)),
      status: 'open',
    });
    return { optedOut: 0, complaints: recorded ? 1 : 0 };
  }
  let optedOut = 0;
  for (const b of borrowers)
    if (await deps.repos.borrowers.optOut(b.partnerId, b.borrowerId, 'sms', at, phoneHash)) {
      optedOut++;
      // Also when SMS was opted out already: a delivery that died before warning left it to this one.
      await warnIfUnreachable(deps, b.partnerId, b.borrowerId);
    }
  return { optedOut, complaints: 0 };
}
