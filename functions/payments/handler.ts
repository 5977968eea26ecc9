import { dispatch } from '#shared/http/dispatch.ts';
import { awsAppDeps } from '#shared/wiring/aws-app-deps.ts';
import { paymentRoutes } from './routes.ts';

// Clients, secrets and configuration once per container.
export const handler = dispatch(paymentRoutes(await awsAppDeps()));
