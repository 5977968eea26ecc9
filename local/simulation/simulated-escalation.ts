import { createAgeingHandler } from '#functions/ageing/ageing-handler.ts';
import { createEscalationStepHandler } from '#functions/escalation-step/escalation-step-handler.ts';
import { plainContext } from '#local/api-gateway-server.ts';
import { LocalEscalationWorkflow } from '#local/escalation/local-workflow.ts';
import { SimulatedTime } from '#local/escalation/simulated-time.ts';
import type { ManualClock } from '#local/manual-clock.ts';
import { RecordingTaskQueue } from '#local/recording-task-queue.ts';
import { asFunction } from '#local/table-access-recorder.ts';
import type { EscalationDeps } from '#shared/escalation/escalation-deps.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { ContactLog, ContactQueue } from '#shared/ports/contact.ts';
import type { AppDeps } from '#shared/wiring/app-deps.ts';

/**
 * The escalation of a local run: the synthesized state machine under aws-local-stepfunctions with its
 * task states bound to the escalation-step Lambda handler, the ageing Lambda handler, and the agent and
 * legal queues as a recorder. Messages of rungs go to the same contact queue as reminders.
 */
export function simulatedEscalation(
  deps: AppDeps,
  contactQueue: ContactQueue,
  log: ContactLog,
  clock: ManualClock,
) {
  const time = new SimulatedTime(clock);
  const taskQueue = new RecordingTaskQueue();
  let workflow: LocalEscalationWorkflow | undefined;
  const escalationDeps: EscalationDeps = {
    ...deps,
    contactQueue,
    taskQueue,
    log,
    workflow: { start: (name, input) => (workflow as LocalEscalationWorkflow).start(name, input) },
  };
  const step = asFunction('escalation-step', createEscalationStepHandler(escalationDeps));
  workflow = new LocalEscalationWorkflow(deps.rules, (event) => step(event, plainContext), time);
  const ageing = asFunction(
    'ageing',
    createAgeingHandler({ ...escalationDeps, complaints: deps.complaints, watchlist: deps.watchlist }),
  );
  return {
    time,
    taskQueue,
    workflow,
    escalationDeps,
    age: (businessDate: LocalDate) => ageing({ businessDate }, plainContext),
  };
}
