/** `patgate users …`: suspension, which stops a user's personal access tokens without deleting them. */
import type { Command } from 'commander';
import { withContext } from '../context';
import { print, printJson } from '../output';

export function registerUserCommands(users: Command): void {
  const setSuspended = (isSuspended: boolean) =>
    withContext(async (context, userId: string) => {
      const result = await (await context.managementClient()).users.setSuspended(userId, isSuspended);
      if (context.json) return printJson(result);
      print(
        isSuspended
          ? `Suspended ${userId}: their personal access tokens can't be exchanged until unsuspended.`
          : `Unsuspended ${userId}: their personal access tokens work again.`,
      );
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
