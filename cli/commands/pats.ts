/** `patgate pats …`: a user's personal access tokens. */
import { Option, type Command } from 'commander';
import type { PersonalAccessToken } from '../../client/types';
import { withContext } from '../context';
import { UsageError } from '../errors';
import { formatTime, print, printJson, printRecord, printTable, warn } from '../output';
import { collectScopes, parseDuration, parseTime } from '../parse';

const expiry = (expiresAt: number | null) =>
  expiresAt === null ? 'never' : `${formatTime(expiresAt)}${expiresAt <= Date.now() ? ' (expired)' : ''}`;
const scopeList = (scopes: string[] | null) => (scopes === null ? 'any' : scopes.join(' ') || 'none');

export function registerPatCommands(pats: Command): void {
  pats
    .command('create')
    .description('Create a personal access token; its value is shown once')
    .argument('<userId>', 'the user the token acts for')
    .argument('<name>', 'a name, unique among the user’s tokens')
    .addOption(new Option('--expires-in <duration>', 'expire after 90d, 12h, 30m…').argParser(parseDuration))
    .addOption(
      new Option('--expires-at <time>', 'expire at an ISO 8601 time or epoch milliseconds')
        .argParser(parseTime)
        .conflicts('expiresIn'),
    )
    .option('-s, --scope <scopes>', 'restrict the token to these scopes (repeatable)', collectScopes)
    .action(
      withContext(
        async (
          context,
          userId: string,
          name: string,
          options: { expiresIn?: number; expiresAt?: number; scope?: string[] },
        ) => {
          const expiresAt = options.expiresIn === undefined ? options.expiresAt : Date.now() + options.expiresIn;
          const client = await context.managementClient();
          // Without an expiry the deployment's lifetime policy decides (its default lifetime, if any).
          const created = await client.pats.create(userId, { name, expiresAt, scopes: options.scope });
          warn("copy the token value now: it can't be shown again (patgate keeps only its hash).");
          if (context.json) return printJson(created);
          printRecord([
            ['User', created.userId],
            ['Name', created.name],
            ['Expires', expiry(created.expiresAt)],
            ['Scopes', scopeList(created.scopes)],
            ['Value', created.value],
          ]);
        },
      ),
    );

  pats
    .command('list')
    .description('List a user’s personal access tokens (never their values)')
    .argument('<userId>')
    .addOption(
      new Option('--unused-since <time>', 'only tokens not used since then (ISO 8601 or epoch ms)').argParser(
        parseTime,
      ),
    )
    .addOption(new Option('--expiring-before <time>', 'only tokens expiring before then').argParser(parseTime))
    .action(
      withContext(async (context, userId: string, options: { unusedSince?: number; expiringBefore?: number }) => {
        const list = await (await context.managementClient()).pats.list(userId, options);
        if (context.json) return printJson(list);
        printTable(
          ['NAME', 'CREATED', 'EXPIRES', 'LAST USED', 'SCOPES'],
          list.map((pat: PersonalAccessToken) => [
            pat.revokedAt === null ? pat.name : `${pat.name} (revoked)`,
            formatTime(pat.createdAt),
            expiry(pat.expiresAt),
            pat.lastUsedAt === null
              ? 'never'
              : `${formatTime(pat.lastUsedAt)}${pat.lastClientId ? ` by ${pat.lastClientId}` : ''}${pat.lastSourceIp ? ` from ${pat.lastSourceIp}` : ''}`,
            scopeList(pat.scopes),
          ]),
          `${userId} has no personal access tokens.`,
        );
      }),
    );

  pats
    .command('rotate')
    .description('Give a personal access token a new value (shown once); same name and scopes')
    .argument('<userId>')
    .argument('<name>')
    .addOption(
      new Option(
        '--grace <duration>',
        'the old value keeps working this long (30s, 10m…); default: stops now',
      ).argParser(parseDuration),
    )
    .addOption(new Option('--expires-in <duration>', 'a new expiry, from now (90d, 12h…)').argParser(parseDuration))
    .addOption(
      new Option('--expires-at <time>', 'a new expiry: ISO 8601 time or epoch milliseconds')
        .argParser(parseTime)
        .conflicts('expiresIn'),
    )
    .action(
      withContext(
        async (
          context,
          userId: string,
          name: string,
          options: { grace?: number; expiresIn?: number; expiresAt?: number },
        ) => {
          const expiresAt = options.expiresIn === undefined ? options.expiresAt : Date.now() + options.expiresIn;
          const rotated = await (
            await context.managementClient()
          ).pats.rotate(userId, name, {
            expiresAt,
            graceSeconds: options.grace === undefined ? undefined : Math.ceil(options.grace / 1000),
          });
          warn("copy the new token value now: it can't be shown again (patgate keeps only its hash).");
          if (context.json) return printJson(rotated);
          printRecord([
            ['User', rotated.userId],
            ['Name', rotated.name],
            ['Expires', expiry(rotated.expiresAt)],
            ['Old value', options.grace ? `works until ${formatTime(rotated.rotatedAt! + options.grace)}` : 'stopped'],
            ['Value', rotated.value],
          ]);
        },
      ),
    );

  pats
    .command('rename')
    .description('Rename a personal access token')
    .argument('<userId>')
    .argument('<currentName>')
    .argument('<newName>')
    .action(
      withContext(async (context, userId: string, currentName: string, newName: string) => {
        const renamed = await (await context.managementClient()).pats.rename(userId, currentName, newName);
        if (context.json) return printJson(renamed);
        print(`Renamed personal access token "${currentName}" of ${userId} to "${renamed.name}".`);
      }),
    );

  pats
    .command('delete')
    .description('Delete a personal access token: it stops working at once')
    .argument('<userId>')
    .argument('<name>')
    .action(
      withContext(async (context, userId: string, name: string) => {
        await (await context.managementClient()).pats.delete(userId, name);
        if (!context.json) print(`Deleted personal access token "${name}" of ${userId}.`);
      }),
    );

  pats
    .command('revoke-all')
    .description('Delete every personal access token of a user')
    .argument('<userId>')
    .option('-y, --yes', 'confirm: this cannot be undone')
    .action(
      withContext(async (context, userId: string, options: { yes?: boolean }) => {
        if (!options.yes)
          throw new UsageError(`Refusing to delete all personal access tokens of ${userId} without --yes.`);
        await (await context.managementClient()).pats.revokeAll(userId);
        if (!context.json) print(`Deleted all personal access tokens of ${userId}.`);
      }),
    );
}
