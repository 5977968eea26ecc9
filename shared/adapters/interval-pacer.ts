import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces sends on each channel at least `1 / perSecond` apart in this process. With at most
 * `senderMaxConcurrency` sender invocations at once, each given `rate / senderMaxConcurrency`, all senders
 * together stay under the carrier's rate.
 */
export function intervalPacer(perSecond: { sms: number; email: number }, now: () => number = Date.now) {
  const next = { sms: 0, email: 0 };
  return async (channel: 'sms' | 'email'): Promise<void> => {
    const gapMs = 1000 / perSecond[channel];
    const at = Math.max(now(), next[channel]);
    next[channel] = at + gapMs;
    const wait = at - now();
    if (wait > 0) await sleep(wait);
  };
}
