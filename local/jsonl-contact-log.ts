import { appendFileSync } from 'node:fs';
import type { ContactLog } from '#shared/ports/contact.ts';
import type { ContactLine } from '#shared/schemas/contact-job.ts';

/** contacts.jsonl: one line per contact decision per loan, in the order they were made. */
export class JsonlContactLog implements ContactLog {
  readonly lines: ContactLine[] = [];
  constructor(private readonly path?: string) {}

  async record(lines: ContactLine[]): Promise<void> {
    for (const line of lines) {
      this.lines.push(line);
      if (this.path) appendFileSync(this.path, `${JSON.stringify(line)}\n`);
    }
  }
}
