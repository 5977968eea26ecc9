import type { Rules } from '#shared/config/rules.ts';
import { addDays } from '#shared/lending/calendar.ts';
import type { LocalDate } from '#shared/lending/types.ts';

export type Channel = 'sms' | 'email';
export type ReminderStage = Rules['contact']['reminderStages'][number];

/** For a business date, the due dates whose installments are at each reminder stage today. */
export function dueDatesToSweep(
  businessDate: LocalDate,
  rules: Rules,
): { stage: ReminderStage; dueDate: LocalDate }[] {
  return rules.contact.reminderStages.map((stage) => ({
    stage,
    dueDate: addDays(businessDate, -stage.offsetDays),
  }));
}

export function stageById(id: string, rules: Rules): ReminderStage | undefined {
  return rules.contact.reminderStages.find((s) => s.id === id);
}
