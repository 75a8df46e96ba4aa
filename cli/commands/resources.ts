/** `patgate resources …`: API resources (RFC 8707 indicators), the audiences of access tokens. */
import { Option, type Command } from 'commander';
import type { ApiResource } from '../../client/types';
import { withContext } from '../context';
import { formatDuration, formatTime, print, printJson, printRecord, printTable } from '../output';
import { collectScopes, parsePositiveInteger } from '../parse';
import { UsageError } from '../errors';
import { addPatPolicyOptions, describePatPolicy, patPolicyFrom, type PatPolicyOptions } from './pat-policy';

const ttl = (seconds: number | null) => (seconds === null ? 'default' : formatDuration(seconds));

function printResource(resource: ApiResource): void {
  printRecord([
    ['ID', resource.id],
    ['Name', resource.name],
    ['Indicator', resource.indicator],
    ['Token lifetime', ttl(resource.accessTokenTtl)],
    ['Scopes', resource.scopes.join(' ') || 'none'],
    ['PAT policy', describePatPolicy(resource.patPolicy)],
    ['Created', formatTime(resource.createdAt)],
  ]);
}

export function registerResourceCommands(resources: Command): void {
  addPatPolicyOptions(
    resources
      .command('create')
      .description('Register an API resource')
      .argument('<name>')
      .argument('<indicator>', 'an absolute URI: the aud of tokens issued for it')
      .addOption(
        new Option('--access-token-ttl <seconds>', 'access token lifetime, 60 to 86400 s').argParser(
          parsePositiveInteger,
        ),
      )
      .option('-s, --scope <scopes>', 'a scope it defines (repeatable)', collectScopes),
    { clearable: false },
  ).action(
    withContext(
      async (
        context,
        name: string,
        indicator: string,
        options: { accessTokenTtl?: number; scope?: string[] } & PatPolicyOptions,
      ) => {
        const patPolicy = patPolicyFrom(options);
        const resource = await (
          await context.managementClient()
        ).resources.create({
          name,
          indicator,
          accessTokenTtl: options.accessTokenTtl,
          scopes: options.scope,
          ...(patPolicy ? { patPolicy } : {}),
        });
        if (context.json) return printJson(resource);
        printResource(resource);
      },
    ),
  );

  addPatPolicyOptions(
    resources
      .command('update')
      .description('Change an API resource’s name, access token lifetime or PAT policy override')
      .argument('<id>')
      .option('--name <name>')
      .addOption(
        new Option('--access-token-ttl <seconds>', 'access token lifetime, 60 to 86400 s').argParser(
          parsePositiveInteger,
        ),
      ),
    { clearable: true },
  ).action(
    withContext(async (context, id: string, options: { name?: string; accessTokenTtl?: number } & PatPolicyOptions) => {
      const client = await context.managementClient();
      const wantsPolicy = patPolicyFrom(options) !== undefined;
      if (options.name === undefined && options.accessTokenTtl === undefined && !wantsPolicy) {
        throw new UsageError('Nothing to update: pass --name, --access-token-ttl or a --pat-… option.');
      }
      const patPolicy = wantsPolicy ? patPolicyFrom(options, (await client.resources.get(id)).patPolicy) : undefined;
      const resource = await client.resources.update(id, {
        name: options.name,
        accessTokenTtl: options.accessTokenTtl,
        ...(patPolicy === undefined ? {} : { patPolicy }),
      });
      if (context.json) return printJson(resource);
      printResource(resource);
    }),
  );

  resources
    .command('list')
    .description('List API resources')
    .action(
      withContext(async (context) => {
        const list = await (await context.managementClient()).resources.list();
        if (context.json) return printJson(list);
        printTable(
          ['ID', 'NAME', 'INDICATOR', 'TOKEN LIFETIME', 'SCOPES'],
          list.map((resource) => [
            resource.id,
            resource.name,
            resource.indicator,
            ttl(resource.accessTokenTtl),
            resource.scopes.join(' '),
          ]),
          'No API resources.',
        );
      }),
    );

  resources
    .command('get')
    .description('Show an API resource')
    .argument('<id>')
    .action(
      withContext(async (context, id: string) => {
        const resource = await (await context.managementClient()).resources.get(id);
        if (context.json) return printJson(resource);
        printResource(resource);
      }),
    );

  resources
    .command('scopes')
    .description("List an API resource's scopes, with their ids (roles grant scopes by id)")
    .argument('<id>')
    .action(
      withContext(async (context, id: string) => {
        const scopes = await (await context.managementClient()).resources.scopes.list(id);
        if (context.json) return printJson(scopes);
        printTable(
          ['SCOPE ID', 'NAME', 'DESCRIPTION'],
          scopes.map((scope) => [scope.id, scope.name, scope.description ?? '']),
          'No scopes.',
        );
      }),
    );

  resources
    .command('add-scope')
    .description('Add a scope to an API resource')
    .argument('<id>')
    .argument('<name>')
    .option('-d, --description <text>')
    .action(
      withContext(async (context, id: string, name: string, options: { description?: string }) => {
        const scope = await (
          await context.managementClient()
        ).resources.scopes.create(id, {
          name,
          description: options.description,
        });
        if (context.json) return printJson(scope);
        print(`Added scope ${scope.name} (${scope.id}).`);
      }),
    );

  resources
    .command('delete')
    .description('Delete an API resource')
    .argument('<id>')
    .action(
      withContext(async (context, id: string) => {
        await (await context.managementClient()).resources.delete(id);
        if (!context.json) print(`Deleted API resource ${id}.`);
      }),
    );
}
