import { describe, expect, it } from 'vitest';
import type { EscalationState } from '#shared/collection/ladder.ts';
import { startEpisode } from '#shared/escalation/start-episode.ts';
import { at, bookLoan, harness, startedEpisode, storedLoan, updateLoan } from './harness.ts';

describe('startEpisode', () => {
  it('starts nothing within grace and leaves the loan as it was', async () => {
    const h = harness(at('2027-06-13'));
    await bookLoan(h, 'L1');
    expect(await startEpisode(h.deps, 'L1')).toBe('not-due');
    expect(h.workflow.starts).toEqual([]);
    expect((await storedLoan(h, 'L1')).escalation).toBeUndefined();
  });

  it('answers not-due for a loan that does not exist', async () => {
    const h = harness(at('2027-06-14'));
    expect(await startEpisode(h.deps, 'nope')).toBe('not-due');
    expect(h.workflow.starts).toEqual([]);
  });

  it('starts the workflow under the episode name with its first rung and instant', async () => {
    const now = at('2027-06-14', '00:05');
    const h = harness(now);
    await bookLoan(h, 'L1');
    expect(await startEpisode(h.deps, 'L1')).toBe('started');
    expect(h.workflow.starts).toEqual([
      {
        name: 'L1-e1',
        input: { loanId: 'L1', episode: 1, next: 'D+4', nextAt: at('2027-06-14').toISOString() },
        answer: 'started',
      },
    ]);
  });

  it('writes the open episode before the workflow starts', async () => {
    const h = harness(at('2027-06-14', '00:05'));
    await bookLoan(h, 'L1');
    let seen: EscalationState | undefined;
    h.workflow.beforeStart = async () => {
      seen = (await storedLoan(h, 'L1')).escalation;
    };
    await startEpisode(h.deps, 'L1');
    expect(seen).toEqual({
      episode: 1,
      rung: null,
      since: at('2027-06-14', '00:05').toISOString(),
      pausedUntil: null,
    });
  });

  it('marks executionStartedAt once the workflow started', async () => {
    const now = at('2027-06-14', '00:05');
    const h = harness(now);
    await bookLoan(h, 'L1');
    await startEpisode(h.deps, 'L1');
    const loan = await storedLoan(h, 'L1');
    expect(loan.escalation).toMatchObject({ episode: 1, executionStartedAt: now.toISOString() });
    expect(loan.escalation?.endedAt).toBeUndefined();
    // Booked at version 1, the episode written (2), then marked started (3).
    expect(loan.version).toBe(3);
  });

  it('is idempotent: a second call starts nothing and writes nothing', async () => {
    const h = harness(at('2027-06-14', '00:05'));
    await bookLoan(h, 'L1');
    await startEpisode(h.deps, 'L1');
    const before = await storedLoan(h, 'L1');
    h.clock.set(at('2027-06-15', '06:00'));
    expect(await startEpisode(h.deps, 'L1')).toBe('not-due');
    expect(h.workflow.starts).toHaveLength(1);
    expect(await storedLoan(h, 'L1')).toEqual(before);
  });

  it('starts a crashed start again under the same name, without opening another episode', async () => {
    const h = harness(at('2027-06-14', '00:05'));
    await bookLoan(h, 'L1');
    h.workflow.beforeStart = () => {
      throw new Error('crash before the start');
    };
    await expect(startEpisode(h.deps, 'L1')).rejects.toThrow('crash before the start');
    const crashed = await storedLoan(h, 'L1');
    expect(crashed.escalation).toMatchObject({ episode: 1, rung: null });
    expect(crashed.escalation?.executionStartedAt).toBeUndefined();

    h.workflow.beforeStart = undefined;
    h.clock.set(at('2027-06-15', '06:00'));
    expect(await startEpisode(h.deps, 'L1')).toBe('started');
    expect(h.workflow.started()).toEqual(['L1-e1']);
    const loan = await storedLoan(h, 'L1');
    expect(loan.escalation).toMatchObject({
      episode: 1,
      since: at('2027-06-14', '00:05').toISOString(),
      executionStartedAt: at('2027-06-15', '06:00').toISOString(),
    });
  });

  it('takes "already started" as success after a crash between the start and its mark', async () => {
    const h = harness(at('2027-06-14', '00:05'));
    await bookLoan(h, 'L1');
    // The workflow did start, but the loan never got its mark.
    await h.workflow.start('L1-e1', {
      loanId: 'L1',
      episode: 1,
      next: 'D+4',
      nextAt: at('2027-06-14').toISOString(),
    });
    await updateLoan(h, 'L1', {
      escalation: {
        episode: 1,
        rung: null,
        since: at('2027-06-14', '00:05').toISOString(),
        pausedUntil: null,
      },
    });

    expect(await startEpisode(h.deps, 'L1')).toBe('started');
    expect(h.workflow.starts.map((s) => [s.name, s.answer])).toEqual([
      ['L1-e1', 'started'],
      ['L1-e1', 'already-started'],
    ]);
    expect((await storedLoan(h, 'L1')).escalation?.executionStartedAt).toBe(
      at('2027-06-14', '00:05').toISOString(),
    );
  });

  it('opens episode n+1 after an ended episode, under its own name', async () => {
    const h = harness(at('2027-06-15'));
    await bookLoan(h, 'L1', {
      escalation: startedEpisode({ episode: 2, endedAt: '2027-05-30T00:00:00.000Z', endReason: 'cured' }),
    });
    expect(await startEpisode(h.deps, 'L1')).toBe('started');
    expect(h.workflow.started()).toEqual(['L1-e3']);
    expect((await storedLoan(h, 'L1')).escalation).toMatchObject({ episode: 3, rung: null });
  });

  it('starts nothing for an open episode that was started', async () => {
    const h = harness(at('2027-06-20'));
    await bookLoan(h, 'L1', { escalation: startedEpisode() });
    expect(await startEpisode(h.deps, 'L1')).toBe('not-due');
    expect(h.workflow.starts).toEqual([]);
  });

  it('reads the loan again when another writer changed it in between, and still starts once', async () => {
    const h = harness(at('2027-06-14', '00:05'));
    await bookLoan(h, 'L1');
    let raced = false;
    h.workflow.beforeStart = async () => {
      if (raced) return;
      raced = true;
      await updateLoan(h, 'L1', { creditBalance: 7 }); // e.g. a payment's write
    };
    expect(await startEpisode(h.deps, 'L1')).toBe('started');
    expect(h.workflow.started()).toEqual(['L1-e1']);
    const loan = await storedLoan(h, 'L1');
    expect(loan.creditBalance).toBe(7);
    expect(loan.escalation?.executionStartedAt).toBeDefined();
  });
});
