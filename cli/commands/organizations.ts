/** `patgate organizations …`: organizations, their members and members' organization roles. */
import type { Command } from 'commander';
import { withContext } from '../context';
import { formatTime, print, printJson, printRecord, printTable } from '../output';

export function registerOrganizationCommands(organizations: Command): void {
  organizations
    .command('create')
    .description('Create an organization')
    .argument('<name>')
    .option('-d, --description <text>')
    .action(
      withContext(async (context, name: string, options: { description?: string }) => {
        const organization = await (
          await context.managementClient()
        ).organizations.create({ name, description: options.description });
        if (context.json) return printJson(organization);
        printRecord([
          ['ID', organization.id],
          ['Name', organization.name],
          ['Created', formatTime(organization.createdAt)],
        ]);
      }),
    );

  organizations
    .command('list')
    .description('List organizations')
    .action(
      withContext(async (context) => {
        const list = await (await context.managementClient()).organizations.list();
        if (context.json) return printJson(list);
        printTable(
          ['ID', 'NAME', 'DESCRIPTION'],
          list.map((organization) => [organization.id, organization.name, organization.description ?? '']),
          'No organizations.',
        );
      }),
    );

  organizations
    .command('delete')
    .description('Delete an organization (its members lose access at once)')
    .argument('<id>')
    .action(
      withContext(async (context, id: string) => {
        await (await context.managementClient()).organizations.delete(id);
        if (!context.json) print(`Deleted organization ${id}.`);
      }),
    );

  organizations
    .command('members')
    .description("List an organization's members and their organization roles")
    .argument('<id>')
    .action(
      withContext(async (context, id: string) => {
        const members = await (await context.managementClient()).organizations.members(id);
        if (context.json) return printJson(members);
        printTable(
          ['USER ID', 'USERNAME', 'ORGANIZATION ROLES'],
          members.map((member) => [
            member.id,
            member.username ?? '',
            member.organizationRoles.map((role) => role.name).join(', '),
          ]),
          'No members.',
        );
      }),
    );

  organizations
    .command('of-user')
    .description("List a user's organizations and the user's organization roles in each")
    .argument('<userId>')
    .action(
      withContext(async (context, userId: string) => {
        const list = await (await context.managementClient()).organizations.ofUser(userId);
        if (context.json) return printJson(list);
        printTable(
          ['ID', 'NAME', 'ORGANIZATION ROLES'],
          list.map((organization) => [
            organization.id,
            organization.name,
            organization.organizationRoles.map((role) => role.name).join(', '),
          ]),
          'No organizations.',
        );
      }),
    );

  organizations
    .command('add-member')
    .description('Add users to an organization')
    .argument('<id>')
    .argument('<userIds...>')
    .action(
      withContext(async (context, id: string, userIds: string[]) => {
        const result = await (await context.managementClient()).organizations.addMembers(id, userIds);
        if (context.json) return printJson(result);
        print(`Added ${userIds.length} member(s) to ${id}.`);
      }),
    );

  organizations
    .command('remove-member')
    .description('Remove a user from an organization (bites at the next exchange)')
    .argument('<id>')
    .argument('<userId>')
    .action(
      withContext(async (context, id: string, userId: string) => {
        await (await context.managementClient()).organizations.removeMember(id, userId);
        if (!context.json) print(`Removed ${userId} from ${id}.`);
      }),
    );

  organizations
    .command('assign-roles')
    .description('Give a member organization roles')
    .argument('<id>')
    .argument('<userId>')
    .argument('<organizationRoleIds...>')
    .action(
      withContext(async (context, id: string, userId: string, roleIds: string[]) => {
        const result = await (await context.managementClient()).organizations.assignMemberRoles(id, userId, roleIds);
        if (context.json) return printJson(result);
        print(`Gave ${userId} ${roleIds.length} organization role(s) in ${id}.`);
      }),
    );
}
