import { dispatch } from '#shared/http/dispatch.ts';
import { awsAppDeps } from '#shared/runtime/aws-app-deps.ts';
import { openApiRoutes } from './routes.ts';

export const handler = dispatch(openApiRoutes(await awsAppDeps()));
