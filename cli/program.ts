/** The command tree. Global options are read by every command through `optsWithGlobals()`. */
import { Command, Option } from 'commander';
import { version } from '../package.json';
import { registerApplicationCommands } from './commands/applications';
import { registerConsoleCommand } from './commands/console';
import { registerOrganizationCommands } from './commands/organizations';
import { registerPatCommands } from './commands/pats';
import { registerResourceCommands } from './commands/resources';
import { registerRoleCommands } from './commands/roles';
import { registerTokenCommands } from './commands/token';
import { registerUserCommands } from './commands/users';
import { registerAuditCommands } from './commands/audit';
import { DEFAULT_STACK_NAME } from './endpoint';

const HELP_FOOTER = `
Where patgate is:
  --endpoint (or PATGATE_ENDPOINT); else the outputs of the deployed stack named by --stack (or
  PATGATE_STACK); else the local service started by \`npm start\` (.local/dev.json in this folder or the
  nearest one above it, or PATGATE_DATA_DIR), whose credentials are then used (also when --endpoint is its
  URL); else the outputs of the stack named ${DEFAULT_STACK_NAME}.

AWS credentials (for the Management API, signed with SigV4, and for stack lookups):
  the AWS SDK's standard chain: environment, ~/.aws profiles (--profile or AWS_PROFILE), SSO,
  credential_process, web identity, container and instance roles.

Exit status: 0 success, 1 failure, 2 usage error.`;

/** One line, like every other failure: commander puts "(Did you mean …?)" on a line of its own. */
function oneLineError(text: string): string {
  const message = text.replace(/^error: /, '').trimEnd();
  return `patgate: ${message.replace(/\n/g, ' ')}\n`;
}

export function createProgram(): Command {
  const program = new Command('patgate')
    .description(
      "Manage patgate's users, personal access tokens, applications and API resources; exchange and verify tokens.",
    )
    .version(version)
    .addOption(new Option('--endpoint <url>', 'base URL of the patgate API').env('PATGATE_ENDPOINT'))
    .addOption(new Option('--stack <name>', 'find the endpoint in this CloudFormation stack').env('PATGATE_STACK'))
    .option('--profile <name>', 'AWS profile to use')
    .option('--region <region>', 'AWS region to use')
    .option('--json', 'print JSON instead of tables')
    .addHelpText('after', HELP_FOOTER)
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError()
    // Subcommands created below inherit these settings.
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(oneLineError(text)) });

  registerPatCommands(
    program.command('pats').alias('pat').description("Create, list, rename and delete users' personal access tokens"),
  );
  registerUserCommands(
    program.command('users').alias('user').description('Register, list, update, suspend and delete users'),
  );
  registerApplicationCommands(
    program.command('applications').alias('apps').description('Manage applications (OAuth clients)'),
  );
  registerResourceCommands(
    program.command('resources').alias('resource').description('Manage API resources (token audiences)'),
  );
  registerAuditCommands(program.command('audit').description('The audit trail: who changed what, and when'));
  registerRoleCommands(
    program.command('roles').alias('role').description("Manage roles (sets of resource scopes) and users' roles"),
  );
  registerOrganizationCommands(
    program.command('organizations').alias('orgs').description('Manage organizations and their members'),
  );
  registerTokenCommands(program.command('token').description('Exchange a personal access token; verify access tokens'));
  registerConsoleCommand(program.command('console'));
  return program;
}
