/** `patgate users …`: the users registry (a user must exist before it can own PATs), and suspension. */
import { Option, type Command } from 'commander';
import type { UpdateUserInput, User } from '../../client/types';
import { withContext } from '../context';
import { UsageError } from '../errors';
import { formatTime, print, printJson, printRecord, printTable } from '../output';
import { parsePositiveInteger } from '../parse';

/** The server's default page size (Logto's). */
const DEFAULT_PAGE_SIZE = 20;

const status = (user: User) => (user.isSuspended ? 'suspended' : 'active');

function printUser(user: User): void {
  const optional = (label: string, value: string | null) => (value === null ? [] : [[label, value] as const]);
  printRecord([
    ['ID', user.id],
    ...optional('Username', user.username),
    ...optional('Email', user.primaryEmail),
    ...optional('Phone', user.primaryPhone),
    ...optional('Name', user.name),
    ['Status', status(user)],
    ['Created', formatTime(user.createdAt)],
    ['Updated', formatTime(user.updatedAt)],
  ]);
}

interface ProfileOptions {
  username?: string;
  email?: string;
  phone?: string;
  name?: string;
}

const profileOptions = (command: Command, clearing: boolean) => {
  const hint = clearing ? ' ("" clears it)' : '';
  return command
    .option('--username <username>', `a username, unique among users${hint}`)
    .option('--email <address>', `primary email, unique among users${hint}`)
    .option('--phone <digits>', `primary phone number, digits only, unique among users${hint}`)
    .option('--name <name>', `display name${hint}`);
};

export function registerUserCommands(users: Command): void {
  profileOptions(
    users
      .command('create')
      .description('Register a user, so that it can own personal access tokens')
      .option('--id <userId>', 'the id your directory knows the user by (default: a generated one)'),
    false,
  ).action(
    withContext(async (context, options: ProfileOptions & { id?: string }) => {
      const user = await (
        await context.managementClient()
      ).users.create({
        id: options.id,
        username: options.username,
        primaryEmail: options.email,
        primaryPhone: options.phone,
        name: options.name,
      });
      if (context.json) return printJson(user);
      printUser(user);
    }),
  );

  users
    .command('list')
    .description('List users, newest first, a page at a time')
    .option('--search <text>', 'only users whose id, username, email, phone or name contains it (% is a wildcard)')
    .addOption(new Option('--page <n>', 'page number').argParser(parsePositiveInteger).default(1))
    .addOption(
      new Option('--page-size <n>', 'users per page, up to 100')
        .argParser(parsePositiveInteger)
        .default(DEFAULT_PAGE_SIZE),
    )
    .action(
      withContext(async (context, options: { search?: string; page: number; pageSize: number }) => {
        const { users: list, total } = await (await context.managementClient()).users.list(options);
        if (context.json) return printJson(list);
        const pages = Math.max(1, Math.ceil(total / options.pageSize));
        const noun = total === 1 ? 'user' : 'users';
        printTable(
          ['ID', 'USERNAME', 'EMAIL', 'NAME', 'STATUS', 'CREATED'],
          list.map((user) => [
            user.id,
            user.username ?? '',
            user.primaryEmail ?? '',
            user.name ?? '',
            status(user),
            formatTime(user.createdAt),
          ]),
          total === 0
            ? options.search === undefined
              ? 'No users.'
              : `No users match "${options.search}".`
            : `No users on page ${options.page} of ${pages} (${total} ${noun}).`,
        );
        if (list.length > 0) print(`Page ${options.page} of ${pages} (${total} ${noun}).`);
      }),
    );

  users
    .command('get')
    .description('Show a user')
    .argument('<userId>')
    .action(
      withContext(async (context, userId: string) => {
        const user = await (await context.managementClient()).users.get(userId);
        if (context.json) return printJson(user);
        printUser(user);
      }),
    );

  profileOptions(
    users.command('update').description('Change a user’s username, email, phone or name').argument('<userId>'),
    true,
  ).action(
    withContext(async (context, userId: string, options: ProfileOptions) => {
      const changes: UpdateUserInput = {
        username: options.username,
        primaryEmail: options.email,
        primaryPhone: options.phone,
        name: options.name,
      };
      if (Object.values(changes).every((value) => value === undefined)) {
        throw new UsageError('Nothing to update: pass --username, --email, --phone or --name.');
      }
      const user = await (await context.managementClient()).users.update(userId, changes);
      if (context.json) return printJson(user);
      printUser(user);
    }),
  );

  users
    .command('delete')
    .description('Delete a user: their personal access tokens stop working at once and are removed')
    .argument('<userId>')
    .option('-y, --yes', 'confirm: this cannot be undone')
    .action(
      withContext(async (context, userId: string, options: { yes?: boolean }) => {
        if (!options.yes) throw new UsageError(`Refusing to delete user ${userId} without --yes.`);
        await (await context.managementClient()).users.delete(userId);
        if (!context.json) print(`Deleted user ${userId} and their personal access tokens.`);
      }),
    );

  const setSuspended = (isSuspended: boolean) =>
    withContext(async (context, userId: string) => {
      const user = await (await context.managementClient()).users.setSuspended(userId, isSuspended);
      if (context.json) return printJson(user);
      print(
        isSuspended
          ? `Suspended ${userId}: their personal access tokens can't be exchanged until unsuspended.`
          : `Unsuspended ${userId}: their personal access tokens work again.`,
      );
      printUser(user);
    });

  users
    .command('suspend')
    .description('Suspend a user: their personal access tokens stop working at once (they are kept)')
    .argument('<userId>')
    .action(setSuspended(true));

  users
    .command('unsuspend')
    .description('Lift a suspension: the user’s personal access tokens work again')
    .argument('<userId>')
    .action(setSuspended(false));
}
