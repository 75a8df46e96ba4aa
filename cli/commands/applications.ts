/** `patgate applications …`: OAuth clients that may exchange personal access tokens. */
import { Option, type Command } from 'commander';
import type { Application, ApplicationType } from '../../client/types';
import { withContext } from '../context';
import { UsageError } from '../errors';
import { formatTime, print, printJson, printRecord, printTable, warn, yesNo } from '../output';
import { addPatPolicyOptions, describePatPolicy, patPolicyFrom, type PatPolicyOptions } from './pat-policy';

const applicationTypes: readonly ApplicationType[] = ['MachineToMachine', 'Traditional', 'SPA', 'Native'];

function printApplication(app: Application): void {
  printRecord([
    ['ID (client_id)', app.id],
    ['Name', app.name],
    ...(app.description === null ? [] : [['Description', app.description] as const]),
    ['Type', `${app.type} (${app.isConfidential ? 'confidential' : 'public'})`],
    ['Token exchange', app.customClientMetadata.allowTokenExchange ? 'allowed' : 'not allowed'],
    ['PAT policy', describePatPolicy(app.patPolicy)],
    ['Created', formatTime(app.createdAt)],
    ...(app.secret === undefined ? [] : [['Secret', app.secret] as const]),
  ]);
}

export function registerApplicationCommands(applications: Command): void {
  addPatPolicyOptions(
    applications
      .command('create')
      .description('Register an application; a confidential one’s secret is shown once')
      .argument('<name>')
      .addOption(new Option('--type <type>', 'application type').choices(applicationTypes).default('MachineToMachine'))
      .option('--description <text>')
      .option('--allow-token-exchange', 'let it exchange personal access tokens', false),
    { clearable: false },
  ).action(
    withContext(
      async (
        context,
        name: string,
        options: { type: ApplicationType; description?: string; allowTokenExchange: boolean } & PatPolicyOptions,
      ) => {
        const client = await context.managementClient();
        const { type, description, allowTokenExchange } = options;
        const patPolicy = patPolicyFrom(options);
        const app = await client.applications.create({
          name,
          type,
          description,
          allowTokenExchange,
          ...(patPolicy ? { patPolicy } : {}),
        });
        if (app.secret !== undefined) warn("copy the client secret now: it can't be shown again.");
        if (context.json) return printJson(app);
        printApplication(app);
      },
    ),
  );

  applications
    .command('list')
    .description('List applications')
    .action(
      withContext(async (context) => {
        const list = await (await context.managementClient()).applications.list();
        if (context.json) return printJson(list);
        printTable(
          ['ID', 'NAME', 'TYPE', 'TOKEN EXCHANGE', 'CREATED'],
          list.map((app) => [
            app.id,
            app.name,
            app.type,
            yesNo(app.customClientMetadata.allowTokenExchange),
            formatTime(app.createdAt),
          ]),
          'No applications.',
        );
      }),
    );

  applications
    .command('get')
    .description('Show an application')
    .argument('<id>')
    .action(
      withContext(async (context, id: string) => {
        const app = await (await context.managementClient()).applications.get(id);
        if (context.json) return printJson(app);
        printApplication(app);
      }),
    );

  addPatPolicyOptions(
    applications
      .command('update')
      .description('Change an application’s name, description, token exchange permission or PAT policy override')
      .argument('<id>')
      .option('--name <name>')
      .option('--description <text>')
      .option('--allow-token-exchange', 'let it exchange personal access tokens')
      .option('--no-allow-token-exchange', 'stop it exchanging personal access tokens (within about 30 s)'),
    { clearable: true },
  ).action(
    withContext(
      async (
        context,
        id: string,
        options: { name?: string; description?: string; allowTokenExchange?: boolean } & PatPolicyOptions,
      ) => {
        const { name, description, allowTokenExchange } = options;
        const client = await context.managementClient();
        const wantsPolicy = patPolicyFrom(options) !== undefined;
        if (name === undefined && description === undefined && allowTokenExchange === undefined && !wantsPolicy) {
          throw new UsageError(
            'Nothing to update: pass --name, --description, --[no-]allow-token-exchange or a --pat-… option.',
          );
        }
        const patPolicy = wantsPolicy
          ? patPolicyFrom(options, (await client.applications.get(id)).patPolicy)
          : undefined;
        const app = await client.applications.update(id, {
          name,
          description,
          ...(allowTokenExchange === undefined ? {} : { customClientMetadata: { allowTokenExchange } }),
          ...(patPolicy === undefined ? {} : { patPolicy }),
        });
        if (context.json) return printJson(app);
        printApplication(app);
      },
    ),
  );

  applications
    .command('delete')
    .description('Delete an application: it can no longer exchange tokens (within about 30 s)')
    .argument('<id>')
    .action(
      withContext(async (context, id: string) => {
        await (await context.managementClient()).applications.delete(id);
        if (!context.json) print(`Deleted application ${id}.`);
      }),
    );
}
