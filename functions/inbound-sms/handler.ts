import { awsAppDeps } from '#shared/wiring/aws-app-deps.ts';
import { createInboundSmsHandler } from './inbound-sms-handler.ts';

export const handler = createInboundSmsHandler(await awsAppDeps());
