import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { dispatch } from '#shared/http/dispatch.ts';
import { createLogger } from '#shared/observability/logger.ts';
import { deployedRules } from '#shared/wiring/deployed-rules.ts';
import { partnerDirectory } from '#shared/wiring/partner-directory.ts';
import { openApiRoutes } from './routes.ts';

// Only the partner directory (two item reads, cached): this function touches no other item, key or bus.
const rules = await deployedRules(process.env.RULES);
export const handler = dispatch(
  openApiRoutes({
    partners: partnerDirectory(
      new DynamoDBClient({}),
      z.string().min(1).parse(process.env.TABLE_NAME),
      rules,
    ),
    logger: createLogger(),
    rules,
  }),
);
