/** `patgate applications …`: OAuth clients that may exchange personal access tokens. */
import { Option, type Command } from 'commander';
import type { Application, ApplicationType } from '../../client/types';
import { withContext } from '../context';
import { UsageError } from '../errors';
import { formatTime, print, printJson, printRecord, printTable, warn, yesNo } from '../output';

const applicationTypes: readonly ApplicationType[] = ['MachineToMachine', 'Traditional', 'SPA', 'Native'];

function printApplication(app: Application): void {
  printRecord([
    ['ID (client_id)', app.id],
    ['Name', app.name],
    ...(app.description === null ? [] : [['Description', app.description] as const]),
    ['Type', `${app.type} (${app.isConfidential ? 'confidential' : 'public'})`],
    ['Token exchange', app.customClientMetadata.allowTokenExchange ? 'allowed' : 'not allowed'],
    ['Created', formatTime(app.createdAt)],
    ...(app.secret === undefined ? [] : [['Secret', app.secret] as const]),
  ]);
}

export function registerApplicationCommands(applications: Command): void {
  applications
    .command('create')
    .description('Register an application; a confidential one’s secret is shown once')
    .argument('<name>')
    .addOption(new Option('--type <type>', 'application type').choices(applicationTypes).default('MachineToMachine'))
    .option('--description <text>')
    .option('--allow-token-exchange', 'let it exchange personal access tokens', false)
    .action(
      withContext(
        async (
          context,
          name: string,
          options: { type: ApplicationType; description?: string; allowTokenExchange: boolean },
        ) => {
          const client = await context.managementClient();
          const app = await client.applications.create({ name, ...options });
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

  applications
    .command('update')
    .description('Change an application’s name, description or token exchange permission')
    .argument('<id>')
    .option('--name <name>')
    .option('--description <text>')
    .option('--allow-token-exchange', 'let it exchange personal access tokens')
    .option('--no-allow-token-exchange', 'stop it exchanging personal access tokens (within about 30 s)')
    .action(
      withContext(
        async (context, id: string, options: { name?: string; description?: string; allowTokenExchange?: boolean }) => {
          const { name, description, allowTokenExchange } = options;
          if (name === undefined && description === undefined && allowTokenExchange === undefined) {
            throw new UsageError('Nothing to update: pass --name, --description or --[no-]allow-token-exchange.');
          }
          const app = await (
            await context.managementClient()
          ).applications.update(id, {
            name,
            description,
            ...(allowTokenExchange === undefined ? {} : { customClientMetadata: { allowTokenExchange } }),
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
