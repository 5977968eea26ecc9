import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBusinessDays, complaintAnswerDueAt, isComplaintOverdue } from '#shared/collection/complaints.ts';
import { complaintIdFor } from '#shared/reminders/inbound-sms.ts';

const SHANGHAI = 'Asia/Shanghai';

describe('addBusinessDays', () => {
  it.each([
    ['2027-06-01', 1, '2027-06-02'], // Tuesday → Wednesday
    ['2027-06-04', 1, '2027-06-07'], // Friday → Monday
    ['2027-06-05', 1, '2027-06-07'], // Saturday → Monday
    ['2027-06-06', 1, '2027-06-07'], // Sunday → Monday
    ['2027-06-04', 3, '2027-06-09'], // Friday → Wednesday
  ])('%s plus %i business day(s) is %s', (from, days, to) => {
    expect(addBusinessDays(from, days)).toBe(to);
  });

  it('never lands on a weekend, and moves at least one day per business day', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2026-01-01T00:00:00Z'),
          max: new Date('2030-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 1, max: 20 }),
        (start, days) => {
          const from = start.toISOString().slice(0, 10);
          const to = addBusinessDays(from, days);
          const weekday = new Date(`${to}T00:00:00Z`).getUTCDay();
          expect([0, 6]).not.toContain(weekday);
          const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
          expect(span).toBeGreaterThanOrEqual(days);
          expect(span).toBeLessThanOrEqual(Math.ceil(days / 5) * 7 + 2);
        },
      ),
    );
  });
});

describe('complaintAnswerDueAt', () => {
  it('is the same local time one business day later', () => {
    // Tuesday 10:30 in Shanghai → Wednesday 10:30.
    expect(complaintAnswerDueAt('2027-06-01T02:30:00.000Z', SHANGHAI, 1).toISOString()).toBe(
      '2027-06-02T02:30:00.000Z',
    );
  });

  it('skips the weekend for a message on a Friday evening', () => {
    // Friday 20:00 in Shanghai → Monday 20:00.
    expect(complaintAnswerDueAt('2027-06-04T12:00:00.000Z', SHANGHAI, 1).toISOString()).toBe(
      '2027-06-07T12:00:00.000Z',
    );
  });

  it('counts a weekend message from the start of the next business day', () => {
    // Saturday 09:00 in Shanghai → Monday starts the count → Tuesday 00:00 Shanghai.
    expect(complaintAnswerDueAt('2027-06-05T01:00:00.000Z', SHANGHAI, 1).toISOString()).toBe(
      '2027-06-07T16:00:00.000Z',
    );
  });

  it('takes the business day in the lender zone, not UTC', () => {
    // Friday 23:30 UTC is Saturday 07:30 in Shanghai: a weekend message there.
    expect(complaintAnswerDueAt('2027-06-04T23:30:00.000Z', SHANGHAI, 1).toISOString()).toBe(
      '2027-06-07T16:00:00.000Z',
    );
  });
});

describe('isComplaintOverdue', () => {
  const receivedAt = '2027-06-01T02:30:00.000Z';
  it('is overdue only once open past its due instant', () => {
    const due = new Date('2027-06-02T02:30:00.000Z');
    expect(isComplaintOverdue({ status: 'open', receivedAt }, due, SHANGHAI, 1)).toBe(false);
    expect(isComplaintOverdue({ status: 'open', receivedAt }, new Date(due.getTime() + 1), SHANGHAI, 1)).toBe(
      true,
    );
    expect(
      isComplaintOverdue({ status: 'closed', receivedAt }, new Date(due.getTime() + 1), SHANGHAI, 1),
    ).toBe(false);
  });
});

describe('complaintIdFor', () => {
  it('names one message by one id, and two messages by two', () => {
    expect(complaintIdFor('m-1')).toBe(complaintIdFor('m-1'));
    expect(complaintIdFor('m-1')).not.toBe(complaintIdFor('m-2'));
    expect(complaintIdFor('m-1')).toMatch(/^cmp-[0-9a-f]{24}$/);
  });
});
