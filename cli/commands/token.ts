/** `patgate token …`: exchange a personal access token for an access token; verify access tokens. */
import { Option, type Command } from 'commander';
import type { JWTPayload } from 'jose';
import { createAccessTokenVerifier } from '../../client/verify';
import { withContext } from '../context';
import { CliError, UsageError } from '../errors';
import { formatDuration, formatTime, print, printJson, printRecord } from '../output';
import { collectScopes } from '../parse';
import { valueOrStdin } from '../stdin';

interface ExchangeOptions {
  pat?: string;
  clientId?: string;
  clientSecret?: string;
  resource?: string;
  scope?: string[];
  accessTokenOnly?: boolean;
}

type Verdict =
  | { valid: true; expiresIn: number; header: Record<string, unknown>; claims: JWTPayload }
  | { valid: false; reason: string; claims?: JWTPayload };

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf']);

export function registerTokenCommands(token: Command): void {
  token
    .command('exchange')
    .description('Exchange a personal access token for an access token (RFC 8693) and print the response')
    .addOption(new Option('--pat <value>', 'the personal access token; - reads it from stdin').env('PATGATE_PAT'))
    .addOption(
      new Option('--client-id <id>', 'the application exchanging it (locally: the demo application)').env(
        'PATGATE_CLIENT_ID',
      ),
    )
    .addOption(
      new Option('--client-secret <secret>', 'the secret of a confidential application').env('PATGATE_CLIENT_SECRET'),
    )
    .option('--resource <indicator>', 'an API resource: the aud of the token')
    .option('-s, --scope <scopes>', 'scopes to request (repeatable)', collectScopes)
    .option('--access-token-only', 'print only the access token')
    .action(
      withContext(async (context, options: ExchangeOptions) => {
        const pat = options.pat && (await valueOrStdin(options.pat));
        if (!pat) throw new UsageError('No personal access token: pass --pat (- reads stdin) or set PATGATE_PAT.');
        const { local } = await context.resolveTarget();
        const app = options.clientId
          ? { clientId: options.clientId, clientSecret: options.clientSecret }
          : local?.demoApplication;
        if (!app)
          throw new UsageError('No application: pass --client-id (and --client-secret) or set PATGATE_CLIENT_ID.');

        const client = await context.publicClient();
        const scope = options.scope?.join(' ');
        const response = await client.exchangeToken({ pat, ...app, resource: options.resource, scope });
        if (options.accessTokenOnly) return print(response.access_token);
        if (context.json) return printJson(response);
        printRecord([
          ['Token type', response.token_type],
          ['Expires in', formatDuration(response.expires_in)],
          ['Scope', response.scope ?? 'none'],
          ['Access token', response.access_token],
        ]);
      }),
    );

  token
    .command('verify')
    .description('Verify an access token against the issuer’s JWKS; print its claims, validity and remaining lifetime')
    .argument('<token>', 'the access token; - reads it from stdin')
    .option('--audience <indicator>', 'also require this aud')
    .action(
      withContext(async (context, tokenArgument: string, options: { audience?: string }) => {
        const accessToken = await valueOrStdin(tokenArgument);
        const { decodeJwt, errors } = await import('jose');
        const metadata = await (await context.publicClient()).metadata();
        const verify = createAccessTokenVerifier({
          issuer: metadata.issuer,
          jwksUri: metadata.jwks_uri,
          audience: options.audience,
        });
        const verdict: Verdict = await verify(accessToken).then(
          ({ payload, protectedHeader }) => ({
            valid: true,
            expiresIn: (payload.exp ?? 0) - Math.floor(Date.now() / 1000),
            header: { ...protectedHeader },
            claims: payload,
          }),
          (error: unknown) => {
            // A key set that can't be fetched says nothing about the token: that's a failure of its own.
            if (!(error instanceof errors.JOSEError) || error instanceof errors.JWKSTimeout) throw error;
            let claims: JWTPayload | undefined;
            try {
              claims = decodeJwt(accessToken);
            } catch {
              // Not even a JWT: there are no claims to show.
            }
            return { valid: false, reason: error.message, claims };
          },
        );

        if (context.json) printJson(verdict);
        else printVerdict(verdict);
        if (!verdict.valid) throw new CliError(`The access token is not valid: ${verdict.reason}.`);
      }),
    );
}

function printVerdict(verdict: Verdict): void {
  const summary: [string, string][] = verdict.valid
    ? [
        ['Valid', 'yes'],
        ['Expires in', formatDuration(verdict.expiresIn)],
        ['Algorithm', `${String(verdict.header.alg)} (kid ${String(verdict.header.kid)})`],
      ]
    : [['Valid', `no: ${verdict.reason}${verdict.claims ? ' (claims below are unverified)' : ''}`]];
  const claims = Object.entries(verdict.claims ?? {}).map(([name, value]): [string, string] => [
    name,
    TIME_CLAIMS.has(name) && typeof value === 'number'
      ? `${formatTime(value * 1000)} (${value})`
      : typeof value === 'string'
        ? value
        : JSON.stringify(value),
  ]);
  printRecord([...summary, ...claims]);
}
