/** How failures reach the user: one line on stderr and an exit code (1: failure, 2: usage error). */
import { PatgateApiError, PatgateOAuthError } from '../client/management-client';

/** A failure the CLI itself detected; its message is shown as is. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** The command line asks for something that can't be done as asked. */
export class UsageError extends CliError {}

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
}

export function describeError(error: unknown): string {
  return oneLine(message(error));
}

function message(error: unknown): string {
  if (error instanceof PatgateApiError) return `${sentence(error.message)} (${error.code}, HTTP ${error.status})`;
  if (error instanceof PatgateOAuthError) {
    const description = sentence(error.description ?? error.error);
    return `token exchange refused: ${description} (${error.error}, HTTP ${error.status})`;
  }
  if (error instanceof Error && error.name === 'CredentialsProviderError') {
    return `no AWS credentials: ${sentence(error.message)}. Configure them (environment, ~/.aws, aws sso login) or pass --profile.`;
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Without its final period, so that details can follow. */
const sentence = (text: string) => text.replace(/\.$/, '');

const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
