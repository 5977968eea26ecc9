import { loadRules } from '#shared/config/rules.ts';
import { dispatch } from '#shared/http/dispatch.ts';
import { createLogger } from '#shared/observability/logger.ts';
import { partnerDirectoryFromEnv } from '#shared/wiring/aws-app-deps.ts';
import { openApiRoutes } from './routes.ts';

// Only the partner directory: this function touches no table, key or bus.
export const handler = dispatch(
  openApiRoutes({
    partners: partnerDirectoryFromEnv(),
    logger: createLogger(),
    rules: loadRules(JSON.parse(process.env.RULES ?? '{}')),
  }),
);
