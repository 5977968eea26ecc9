import type * as z from 'zod';
import type { IssueDetail } from './errors.ts';

/** zod issues as `{ path: 'applicant.phone', message }`; messages never echo the rejected value. */
export function issuesOf(error: z.ZodError): IssueDetail[] {
  return error.issues.slice(0, 50).map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message:
      issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
}
