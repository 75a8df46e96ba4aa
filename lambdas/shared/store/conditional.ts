import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { toDependencyError } from '../aws/dependency-errors';

/** Runs a conditional write; resolves false when its condition failed, throws on anything else. */
export async function conditionalWrite(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw toDependencyError('dynamodb', error);
  }
}
