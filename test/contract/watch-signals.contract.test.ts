import { describe, expect, it } from 'vitest';
import { type EarlyWarning, earlyWarningRaised } from '#shared/collection/early-warning.ts';
import { type Target, targets, unique, useStores } from './targets.ts';

/**
 * The watchlist's `raise` (the sender's UNDELIVERABLE, the opt-outs' ALL_CHANNELS_OPTED_OUT): a signal is
 * raised once per loan, code and occurrence, whoever asks again.
 */
function watchSignalsContract(target: Target): void {
  const stores = useStores(target);
  const raise = (warning: EarlyWarning) => {
    const who = { loanId: warning.loanId, partnerId: 'p1', borrowerId: 'u1' };
    return stores().watchSignals.raise(
      who,
      warning,
      earlyWarningRaised(warning, who, '2027-06-01T02:00:00.000Z'),
    );
  };
  const warning = (loanId: string, occurrence: string): EarlyWarning => ({
    code: 'UNDELIVERABLE',
    loanId,
    occurrence,
    raisedOn: '2027-06-01',
  });

  describe('watch signals', () => {
    it('raises a signal once: asked again, it answers false', async () => {
      const loanId = unique('L');
      expect(await raise(warning(loanId, 'sms-refused-2027-06-01'))).toBe(true);
      expect(await raise(warning(loanId, 'sms-refused-2027-06-01'))).toBe(false);
    });

    it('raises another occurrence, another code and another loan apart', async () => {
      const loanId = unique('L');
      expect(await raise(warning(loanId, 'sms-refused-2027-06-01'))).toBe(true);
      expect(await raise(warning(loanId, 'sms-refused-2027-06-02'))).toBe(true);
      expect(
        await raise({ ...warning(loanId, 'sms-refused-2027-06-01'), code: 'ALL_CHANNELS_OPTED_OUT' }),
      ).toBe(true);
      expect(await raise(warning(unique('L'), 'sms-refused-2027-06-01'))).toBe(true);
    });
  });
}

for (const target of targets) describe(target.name, () => watchSignalsContract(target));
