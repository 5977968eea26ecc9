import { awsAppDeps } from '#shared/runtime/aws-app-deps.ts';
import { createInboundSmsHandler } from './inbound-sms-handler.ts';

export const handler = createInboundSmsHandler(await awsAppDeps());
