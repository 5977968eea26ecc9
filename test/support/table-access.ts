import { appendFileSync } from 'node:fs';
import type { TableAccessRecorder } from '#local/table-access-recorder.ts';
import { type DeployedFunction, TABLE_ACCESS } from '#shared/storage/table-access.ts';

/**
 * The calls a function made that its grants (`TABLE_ACCESS`) do not allow: on AWS each would be an
 * AccessDenied. With `DUEBELL_TABLE_ACCESS_LOG=FILE` every observed grant is also appended there, which is
 * how the table's entries were gathered.
 */
export function ungrantedCalls(recorder: TableAccessRecorder): string[] {
  const log = process.env.DUEBELL_TABLE_ACCESS_LOG;
  const missing: string[] = [];
  for (const [fn, grants] of recorder.observed) {
    for (const grant of grants) {
      if (log) appendFileSync(log, `${fn} ${grant}\n`);
      if (!TABLE_ACCESS[fn as DeployedFunction].includes(grant)) missing.push(`${fn}: ${grant}`);
    }
  }
  return missing.sort();
}
