import { dispatch } from '#shared/http/dispatch.ts';
import { awsAppDeps } from '#shared/wiring/aws-app-deps.ts';
import { opsRoutes } from './routes.ts';

// Clients, secrets and configuration once per container.
export const handler = dispatch(opsRoutes(await awsAppDeps()));
