import type { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import * as z from 'zod';
import { EventBridgeBus } from '#shared/adapters/aws/eventbridge-bus.ts';
import { MeteredEventBus } from '#shared/observability/metered-event-bus.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';

/**
 * What one function or another is given in its environment, read once at cold start. Apart from
 * `awsAppDeps`, so a function that needs only these loads none of the app's wiring. Each schema parses
 * once per process: zod's compiled fast path would cost more than it saves.
 */
const once = { jitless: true } as const;

/** The bus the outbox publisher puts events on (no other function is given it). */
export function eventBusFromEnv(metrics: Metrics, environment: NodeJS.ProcessEnv = process.env): EventBus {
  const { EVENT_BUS_NAME } = z.object({ EVENT_BUS_NAME: z.string().min(1) }).parse(environment, once);
  // Every published domain event is also counted (DomainEvents by type, rungs, payment amounts).
  return new MeteredEventBus(new EventBridgeBus(new EventBridgeClient({}), EVENT_BUS_NAME), metrics);
}

/** The queue between the sweep and the sender, given to both. */
export function contactQueueUrlFromEnv(environment: NodeJS.ProcessEnv = process.env): string {
  return z.object({ CONTACT_QUEUE_URL: z.string().url() }).parse(environment, once).CONTACT_QUEUE_URL;
}

/** The queue between the sweep's coordinator and its slice workers. */
export function sliceQueueUrlFromEnv(environment: NodeJS.ProcessEnv = process.env): string {
  return z.object({ SLICE_QUEUE_URL: z.string().url() }).parse(environment, once).SLICE_QUEUE_URL;
}

/** The escalation's state machine, given to the functions that start episodes. */
export function stateMachineArnFromEnv(environment: NodeJS.ProcessEnv = process.env): string {
  return z.object({ STATE_MACHINE_ARN: z.string().min(1) }).parse(environment, once).STATE_MACHINE_ARN;
}
