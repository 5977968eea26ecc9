import type { Rules } from '#shared/config/rules.ts';
import { isOptOutKeyword } from '#shared/contact/templates.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { KeyService } from '#shared/ports/key-service.ts';
import type { Stores } from '#shared/ports/stores.ts';

export interface InboundSmsDeps {
  repos: Pick<Stores, 'borrowers'>;
  keys: KeyService;
  clock: Clock;
  rules: Rules;
}

/**
 * An inbound SMS with an opt-out keyword (STOP, TD, 退订 …) opts every borrower using that number out
 * of SMS at once, at every partner (a borrower who has since moved to another number is left alone).
 * Anything else is left for a person to read.
 */
export async function handleInboundSms(
  deps: InboundSmsDeps,
  message: { from: string; body: string },
): Promise<{ optedOut: number }> {
  if (!isOptOutKeyword(message.body, deps.rules)) return { optedOut: 0 };
  const phoneHash = deps.keys.hashPhone(message.from);
  const borrowers = await deps.repos.borrowers.findByPhoneHash(phoneHash);
  const at = deps.clock.now().toISOString();
  let optedOut = 0;
  for (const b of borrowers)
    if (await deps.repos.borrowers.optOut(b.partnerId, b.borrowerId, 'sms', at, phoneHash)) optedOut++;
  return { optedOut };
}
