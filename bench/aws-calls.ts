/**
 * Counts the AWS calls the handlers make, with an SDK middleware on their shared clients, and works
 * out how many of them are sequential round trips on a request's critical path.
 */
import type { MiddlewareStack } from '@smithy/types';

export interface AwsCall {
  /**
   * e.g. `DynamoDB GetItem PATHASH` (service, operation, and the kind of item from its key), `DynamoDB BatchGetItem
   * USER USERROLES`, `KMS Sign`.
   */
  label: string;
  start: number;
  end: number;
}

type KeyValue = string | { S?: string } | undefined;
const stringOf = (value: KeyValue) => (typeof value === 'string' ? value : value?.S);

/**
 * Item kind from a DynamoDB key: the sort key up to any `#` (PAT, PATHASH, USER, APP, RESIND; see store/keys.ts),
 * but a membership's (its sort key is its member's `USER#{id}`) the partition key's: ORGMEMBER.
 */
function kindOf(key: { pk?: KeyValue; sk?: KeyValue } | undefined): string | undefined {
  const sk = stringOf(key?.sk);
  if (sk?.startsWith('USER#')) return stringOf(key?.pk)?.split('#')[0];
  return sk?.split('#')[0];
}

/** The kinds of the items a call names: its Key's, or every key of a BatchGetItem's in request order. */
function itemKinds(input: unknown): string | undefined {
  const { Key, RequestItems } = (input ?? {}) as {
    Key?: { pk?: KeyValue; sk?: KeyValue };
    RequestItems?: Record<string, { Keys?: { pk?: KeyValue; sk?: KeyValue }[] }>;
  };
  if (Key) return kindOf(Key);
  const kinds = Object.values(RequestItems ?? {}).flatMap((request) => request.Keys?.map(kindOf) ?? []);
  return kinds.length > 0 ? kinds.join(' ') : undefined;
}

/** A recorded call; its label is worked out when read, not on the measured path. */
class RecordedCall implements AwsCall {
  #label: string | undefined;

  constructor(
    private readonly context: { clientName?: unknown; commandName?: unknown },
    private readonly input: unknown,
    readonly start: number,
    readonly end: number,
  ) {}

  get label(): string {
    if (this.#label === undefined) {
      const service = String(this.context.clientName).replace(/Client$/, '');
      const operation = String(this.context.commandName).replace(/Command$/, '');
      this.#label = [service, operation, itemKinds(this.input)].filter(Boolean).join(' ');
    }
    return this.#label;
  }
}

/**
 * The calls made by the instrumented clients, with start and end times from performance.now(). The middleware does
 * as little as it can per call (it runs inside the measured service process): no async wrapper, no label.
 */
export class AwsCallLog {
  readonly calls: AwsCall[] = [];
  inFlight = 0;
  /** When a call last started or ended. */
  lastActivity = 0;

  /** `ignore` tells, when a call starts, whether to leave it out of `calls`. */
  constructor(private readonly ignore: () => boolean = () => false) {}

  instrument<I extends object, O extends object>(client: { middlewareStack: MiddlewareStack<I, O> }): void {
    client.middlewareStack.add(
      (next, context) => (args) => {
        if (this.ignore()) return next(args);
        const start = performance.now();
        this.inFlight++;
        this.lastActivity = start;
        return next(args).finally(() => {
          this.inFlight--;
          this.lastActivity = performance.now();
          this.calls.push(new RecordedCall(context, args.input, start, this.lastActivity));
        });
      },
      { step: 'initialize', name: 'benchAwsCallRecorder', priority: 'high' },
    );
    // A client with `cacheMiddleware` keeps the stacks it resolved before: drop them so that this middleware runs.
    delete (client as { handlers?: unknown }).handlers;
  }
}

export function countByLabel(calls: readonly AwsCall[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[call.label] = (counts[call.label] ?? 0) + 1;
  return counts;
}

/**
 * The number of sequential round trips: the longest chain of calls in which each starts only after
 * the previous one ended. Calls that overlap (run in parallel) share a step of the chain.
 */
export function sequentialRoundTrips(calls: readonly AwsCall[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  sorted.forEach((call, index) => {
    let before = 0;
    for (let earlier = 0; earlier < index; earlier++) {
      if (sorted[earlier]!.end <= call.start) before = Math.max(before, depth[earlier]!);
    }
    depth.push(before + 1);
  });
  return Math.max(0, ...depth);
}
