import { describe, expect, it } from 'vitest';
import { secondsAfter } from './fixtures.ts';
import { type Target, targets, useStores } from './targets.ts';

const t0 = new Date('2027-06-07T01:00:00.000Z');
const lease = 900;

/** The SweepRunStore contract: one run per business date to completion, a dead run taken over. */
function sweepRunStoreContract(target: Target): void {
  const stores = useStores(target);
  const runs = () => stores().sweepRuns;

  it('starts a date once; a delivery during the live run is told it is running', async () => {
    expect(await runs().begin('2027-06-01', t0, lease)).toBe('started');
    expect(await runs().begin('2027-06-01', secondsAfter(t0, 1), lease)).toBe('running');
    expect(await runs().begin('2027-06-01', secondsAfter(t0, lease), lease)).toBe('running');
  });

  it('lets a run whose lease ran out be started again, under a new lease', async () => {
    expect(await runs().begin('2027-06-02', t0, lease)).toBe('started');
    const takeover = secondsAfter(t0, lease + 1);
    expect(await runs().begin('2027-06-02', takeover, lease)).toBe('started');
    expect(await runs().begin('2027-06-02', secondsAfter(takeover, lease - 1), lease)).toBe('running');
  });

  it('answers done for a completed date, however late', async () => {
    expect(await runs().begin('2027-06-03', t0, lease)).toBe('started');
    await runs().complete('2027-06-03', { installments: 12, jobs: 4 });
    expect(await runs().begin('2027-06-03', secondsAfter(t0, 1), lease)).toBe('done');
    expect(await runs().begin('2027-06-03', secondsAfter(t0, 10 * lease), lease)).toBe('done');
  });

  it('keeps each business date apart', async () => {
    expect(await runs().begin('2027-06-04', t0, lease)).toBe('started');
    await runs().complete('2027-06-04', {});
    expect(await runs().begin('2027-06-05', t0, lease)).toBe('started');
    expect(await runs().begin('2027-06-06', t0, lease)).toBe('started');
  });
}

describe.each(targets)('SweepRunStore on $name', (target) => sweepRunStoreContract(target));
