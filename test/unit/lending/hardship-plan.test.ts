import { describe, expect, it } from 'vitest';
import { activePlan, type HardshipPlan, pausedThrough } from '#shared/lending/hardship-plan.ts';

function plan(startsOn: string, endsOn: string, overrides: Partial<HardshipPlan> = {}): HardshipPlan {
  return {
    planId: `plan-${startsOn}`,
    status: 'granted',
    reason: 'illness',
    deferralDays: 7,
    requestedAt: `${startsOn}T02:00:00Z`,
    startsOn,
    endsOn,
    referralReasons: [],
    ...overrides,
  };
}

describe('activePlan', () => {
  const granted = plan('2027-07-01', '2027-07-07');

  it('is the granted plan from its first day through its last, and none the day before or after', () => {
    expect(activePlan([granted], '2027-06-30')).toBeUndefined();
    expect(activePlan([granted], '2027-07-01')).toBe(granted);
    expect(activePlan([granted], '2027-07-07')).toBe(granted);
    expect(activePlan([granted], '2027-07-08')).toBeUndefined();
  });

  it('is never a referred plan, nor one without dates', () => {
    const referred = plan('2027-07-01', '2027-07-07', { status: 'referred' });
    expect(activePlan([referred], '2027-07-03')).toBeUndefined();
    expect(activePlan([{ ...granted, startsOn: null }], '2027-07-03')).toBeUndefined();
    expect(activePlan([{ ...granted, endsOn: null }], '2027-07-03')).toBeUndefined();
    expect(activePlan(undefined, '2027-07-03')).toBeUndefined();
  });
});

describe('pausedThrough', () => {
  it('is the latest end of the granted plans begun by today, in whatever order they were kept', () => {
    const later = plan('2027-08-01', '2027-08-20');
    const earlier = plan('2027-07-01', '2027-07-07');
    expect(pausedThrough([later, earlier], '2027-08-05')).toBe('2027-08-20');
    expect(pausedThrough([earlier, later], '2027-08-05')).toBe('2027-08-20');
  });

  it('counts a plan from its first day, and not a plan that has not begun', () => {
    const upcoming = plan('2027-07-01', '2027-07-07');
    expect(pausedThrough([upcoming], '2027-06-30')).toBeUndefined();
    expect(pausedThrough([upcoming], '2027-07-01')).toBe('2027-07-07');
  });

  it('ignores referred plans', () => {
    expect(
      pausedThrough([plan('2027-07-01', '2027-07-07', { status: 'referred' })], '2027-07-03'),
    ).toBeUndefined();
  });
});
