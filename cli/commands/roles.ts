/** `patgate roles …`: roles (sets of API resource scopes) and the users that have them (Logto's RBAC). */
import type { Command } from 'commander';
import type { Role } from '../../client/types';
import { withContext } from '../context';
import { formatTime, print, printJson, printRecord, printTable } from '../output';

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value.split(',').filter((each) => each !== ''),
];

function printRole(role: Role): void {
  printRecord([
    ['ID', role.id],
    ['Name', role.name],
    ['Description', role.description],
    ['Type', role.type],
    ['Created', formatTime(role.createdAt)],
  ]);
}

function printRoles(roles: Role[], empty: string): void {
  printTable(
    ['ID', 'NAME', 'DESCRIPTION'],
    roles.map((role) => [role.id, role.name, role.description]),
    empty,
  );
}

export function registerRoleCommands(roles: Command): void {
  roles
    .command('create')
    .description('Create a role, optionally granting scopes (by scope id)')
    .argument('<name>')
    .argument('<description>')
    .option('-s, --scope-id <ids>', 'a scope id it grants (repeatable, or comma-separated)', collect)
    .option('--machine-to-machine', "a MachineToMachine role (Logto's; grants nothing here, and no user can have it)")
    .action(
      withContext(
        async (
          context,
          name: string,
          description: string,
          options: { scopeId?: string[]; machineToMachine?: boolean },
        ) => {
          const role = await (
            await context.managementClient()
          ).roles.create({
            name,
            description,
            scopeIds: options.scopeId,
            ...(options.machineToMachine ? { type: 'MachineToMachine' as const } : {}),
          });
          if (context.json) return printJson(role);
          printRole(role);
        },
      ),
    );

  roles
    .command('list')
    .description('List roles')
    .option('--search <text>', 'only roles whose id, name or description contains it (case-insensitive)')
    .option('--type <type>', 'only roles of this type: User or MachineToMachine')
    .action(
      withContext(async (context, options: { search?: string; type?: 'User' | 'MachineToMachine' }) => {
        const list = await (await context.managementClient()).roles.list(options);
        if (context.json) return printJson(list);
        printRoles(list, 'No roles.');
      }),
    );

  roles
    .command('scopes')
    .description("List a role's scopes, with their API resources")
    .argument('<id>')
    .action(
      withContext(async (context, id: string) => {
        const scopes = await (await context.managementClient()).roles.scopes(id);
        if (context.json) return printJson(scopes);
        printTable(
          ['SCOPE ID', 'SCOPE', 'RESOURCE'],
          scopes.map((scope) => [scope.id, scope.name, scope.resource.indicator]),
          'No scopes.',
        );
      }),
    );

  roles
    .command('delete')
    .description('Delete a role')
    .argument('<id>')
    .action(
      withContext(async (context, id: string) => {
        await (await context.managementClient()).roles.delete(id);
        if (!context.json) print(`Deleted role ${id}.`);
      }),
    );

  roles
    .command('assign')
    .description('Give a user roles')
    .argument('<userId>')
    .argument('<roleIds...>')
    .action(
      withContext(async (context, userId: string, roleIds: string[]) => {
        const result = await (await context.managementClient()).roles.assign(userId, roleIds);
        if (context.json) return printJson(result);
        print(`Gave ${userId} ${result.addedRoleIds.length} new role(s) of ${result.roleIds.length}.`);
      }),
    );

  roles
    .command('replace')
    .description("Make a user's roles exactly these (none if no id is given; bites at the next exchange)")
    .argument('<userId>')
    .argument('[roleIds...]')
    .action(
      withContext(async (context, userId: string, roleIds: string[]) => {
        await (await context.managementClient()).roles.replace(userId, roleIds);
        if (!context.json) print(`${userId} now has ${roleIds.length} role(s).`);
      }),
    );

  roles
    .command('unassign')
    .description('Take a role from a user (bites at the next exchange)')
    .argument('<userId>')
    .argument('<roleId>')
    .action(
      withContext(async (context, userId: string, roleId: string) => {
        await (await context.managementClient()).roles.unassign(userId, roleId);
        if (!context.json) print(`Took role ${roleId} from ${userId}.`);
      }),
    );

  roles
    .command('of')
    .description("List a user's roles")
    .argument('<userId>')
    .action(
      withContext(async (context, userId: string) => {
        const list = await (await context.managementClient()).roles.ofUser(userId);
        if (context.json) return printJson(list);
        printRoles(list, 'No roles.');
      }),
    );
}
