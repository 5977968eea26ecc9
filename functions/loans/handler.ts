import { dispatch } from '#shared/http/dispatch.ts';
import { awsAppDeps } from '#shared/wiring/aws-app-deps.ts';
import { loanRoutes } from './routes.ts';

// Clients, secrets and configuration once per container.
export const handler = dispatch(loanRoutes(await awsAppDeps()));
