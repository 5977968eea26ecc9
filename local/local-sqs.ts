import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface LocalMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  visibleAt: number;
  receives: number;
  seq: number;
}

export interface LocalQueueOptions {
  /** Seconds a received message stays hidden (and the fixed delay before a failed one comes back). */
  visibilityTimeoutSeconds: number;
  /** Receives after which a message goes to the DLQ instead of being delivered again. */
  maxReceiveCount: number;
  /** The `redeliver=` fault: whether this send is delivered twice (a second copy, visible at once). */
  duplicate?: () => boolean;
}

/**
 * One SQS queue on the simulated clock, with the semantics the handlers rely on: at-least-once
 * delivery, a visibility timeout after each receive (a message neither deleted nor made visible
 * earlier comes back when it ends, a fixed delay as configured on AWS), `DelaySeconds`,
 * ChangeMessageVisibility, and a DLQ after `maxReceiveCount` receives.
 */
export class LocalQueue {
  private messages: LocalMessage[] = [];
  private seq = 0;
  readonly deadLetters: LocalMessage[] = [];
  /** Copies delivered because of the `redeliver=` fault. */
  duplicated = 0;

  constructor(
    readonly url: string,
    private readonly now: () => Date,
    private readonly options: LocalQueueOptions,
  ) {}

  send(body: string, delaySeconds = 0): void {
    const copies = this.options.duplicate?.() ? 2 : 1;
    if (copies === 2) this.duplicated++;
    for (let c = 0; c < copies; c++) {
      const seq = this.seq++;
      this.messages.push({
        messageId: `m-${seq}`,
        receiptHandle: `r-${seq}-0`,
        body,
        visibleAt: this.now().getTime() + delaySeconds * 1000,
        receives: 0,
        seq,
      });
    }
  }

  /** The instant the earliest message becomes visible, if any is waiting. */
  nextVisibleAt(): number | undefined {
    let earliest: number | undefined;
    for (const m of this.messages)
      if (earliest === undefined || m.visibleAt < earliest) earliest = m.visibleAt;
    return earliest;
  }

  /** Up to `max` messages visible at `at`, oldest first; each is hidden for the visibility timeout. */
  receive(at: number, max: number): LocalMessage[] {
    const visible = this.messages
      .filter((m) => m.visibleAt <= at)
      .sort((a, b) => a.visibleAt - b.visibleAt || a.seq - b.seq);
    const batch: LocalMessage[] = [];
    for (const m of visible) {
      if (batch.length === max) break;
      if (m.receives >= this.options.maxReceiveCount) {
        this.messages = this.messages.filter((x) => x !== m);
        this.deadLetters.push(m);
        continue;
      }
      m.receives++;
      m.receiptHandle = `r-${m.seq}-${m.receives}`;
      m.visibleAt = at + this.options.visibilityTimeoutSeconds * 1000;
      batch.push({ ...m });
    }
    return batch;
  }

  delete(receiptHandle: string): void {
    this.messages = this.messages.filter((m) => m.receiptHandle !== receiptHandle);
  }

  changeVisibility(receiptHandle: string, seconds: number): void {
    const m = this.messages.find((x) => x.receiptHandle === receiptHandle);
    if (m) m.visibleAt = this.now().getTime() + seconds * 1000;
  }

  get depth(): number {
    return this.messages.length;
  }
}

/**
 * An SQSClient for the local queues, answering the calls the adapters and handlers make (send, batch
 * send, change visibility, delete), so the real `SqsContactQueue`, `SqsSliceQueue` and sender handler run
 * unchanged.
 */
export function localSqsClient(queues: LocalQueue[]): SQSClient {
  const byUrl = (url?: string) => {
    const q = queues.find((x) => x.url === url);
    if (!q) throw new Error(`no local queue ${url}`);
    return q;
  };
  const send = async (command: unknown) => {
    if (command instanceof SendMessageBatchCommand) {
      const q = byUrl(command.input.QueueUrl);
      for (const e of command.input.Entries ?? []) q.send(e.MessageBody ?? '', e.DelaySeconds ?? 0);
      return { Successful: (command.input.Entries ?? []).map((e) => ({ Id: e.Id })), Failed: [] };
    }
    if (command instanceof SendMessageCommand) {
      byUrl(command.input.QueueUrl).send(command.input.MessageBody ?? '', command.input.DelaySeconds ?? 0);
      return {};
    }
    if (command instanceof ChangeMessageVisibilityCommand) {
      byUrl(command.input.QueueUrl).changeVisibility(
        command.input.ReceiptHandle ?? '',
        command.input.VisibilityTimeout ?? 0,
      );
      return {};
    }
    if (command instanceof DeleteMessageCommand) {
      byUrl(command.input.QueueUrl).delete(command.input.ReceiptHandle ?? '');
      return {};
    }
    throw new Error(`the local SQS does not answer ${(command as object).constructor.name}`);
  };
  return { send } as unknown as SQSClient;
}
