import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { countBy } from '#shared/observability/metrics.ts';
import type { ContactLog } from '#shared/ports/contact.ts';
import type { ContactLine } from '#shared/schemas/contact-job.ts';

/**
 * On AWS the ledger is the record; each decision is also a structured log line (ids only: not even the
 * masked address, whose visible digits narrow down who it is) and
 * counts: `ContactDecisions` by status, stage and channel; `ContactsSuppressed` by channel and reason;
 * `TasksOpened` by channel (agent, legal) for the tasks handed to people.
 */
export class LoggedContactLog implements ContactLog {
  constructor(
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {}

  async record(lines: ContactLine[]): Promise<void> {
    for (const line of lines) {
      const { to: _address, ...withoutAddress } = line;
      this.logger.info('contact decision', { contact: withoutAddress });
      countBy(this.metrics, 'ContactDecisions', {
        status: line.status,
        stage: line.stage,
        channel: line.channel,
      });
      if (line.status === 'suppressed')
        countBy(this.metrics, 'ContactsSuppressed', {
          channel: line.channel,
          reason: line.reason ?? 'unknown',
        });
      if (line.status === 'sent' && (line.channel === 'agent' || line.channel === 'legal'))
        countBy(this.metrics, 'TasksOpened', { channel: line.channel });
    }
  }
}
