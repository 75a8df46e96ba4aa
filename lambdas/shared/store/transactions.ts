import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { dynamo } from '../aws/dynamodb';
import { DependencyError } from '../errors';
import { toDependencyError } from '../aws/dependency-errors';

export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** Outcome of a transaction: either committed, or cancelled with one reason code per item. */
export type TransactionOutcome = { committed: true } | { committed: false; reasons: readonly string[] };

const MAX_CONFLICT_RETRIES = 6;

/**
 * Runs TransactWriteItems. Condition failures come back as a value for the caller to interpret;
 * conflicts with a concurrent transaction are retried (with jitter) before they are reported.
 */
export async function transactWrite(items: TransactItems): Promise<TransactionOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
      return { committed: true };
    } catch (error) {
      const reasons = cancellationCodes(error);
      if (!reasons) throw toDependencyError('dynamodb', error);
      if (reasons.includes('ConditionalCheckFailed')) return { committed: false, reasons };
      const retryable = reasons.every(
        (code) => code === 'None' || code === 'TransactionConflict' || code === 'ThrottlingError',
      );
      if (!retryable) throw new DependencyError('dynamodb', false, { cause: error });
      if (attempt >= MAX_CONFLICT_RETRIES) throw new DependencyError('dynamodb', true, { cause: error });
      // Full jitter: many writers of one item (e.g. a user item, now that every change also puts its audit
      // event in a transaction) spread out instead of colliding again in step.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
    }
  }
}

/** A cancelled transaction's reason codes, one per item (`None` where that item was fine); otherwise undefined. */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/** Splits items into chunks that fit one transaction (100 actions). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Optimistic read-then-write loops re-read when a condition shows the data changed under them.
 * Bounded, so sustained contention (or an invariant broken by hand) ends as a retryable error
 * instead of a spinning Lambda.
 */
export async function optimistically<T>(attempt: () => Promise<T | typeof RETRY>): Promise<T> {
  for (let i = 0; i < MAX_OPTIMISTIC_ATTEMPTS; i++) {
    const result = await attempt();
    if (result !== RETRY) return result;
  }
  throw new DependencyError('dynamodb', true, { cause: new Error('Too much contention on the same items') });
}

export const RETRY = Symbol('retry');
const MAX_OPTIMISTIC_ATTEMPTS = 8;
