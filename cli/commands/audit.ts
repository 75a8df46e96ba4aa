/** `patgate audit list`: the audit trail of management changes, newest first, a page at a time. */
import { Option, type Command } from 'commander';
import type { AuditEvent } from '../../client/types';
import { withContext } from '../context';
import { formatTime, print, printJson, printTable } from '../output';
import { parsePositiveInteger, parseTime } from '../parse';

const DEFAULT_PAGE_SIZE = 20;

const target = (event: AuditEvent) =>
  [
    event.userId !== undefined ? `user ${event.userId}` : '',
    event.patName !== undefined ? `PAT ${JSON.stringify(event.patName)}` : '',
    event.applicationId !== undefined ? `application ${event.applicationId}` : '',
    event.resourceId !== undefined ? `resource ${event.resourceId}` : '',
  ]
    .filter(Boolean)
    .join(', ');

interface ListOptions {
  user?: string;
  pat?: string;
  action?: string;
  since?: number;
  until?: number;
  page: number;
  pageSize: number;
}

export function registerAuditCommands(audit: Command): void {
  audit
    .command('list')
    .description('List audit events (every management change), newest first')
    .option('--user <userId>', "only this user's events (their user and PAT changes)")
    .option('--pat <name>', 'only events of PATs with this name')
    .option('--action <action>', 'only this action, e.g. pat.created, user.suspended, pat.revoked_public')
    .addOption(new Option('--since <time>', 'from this time (ISO 8601 or epoch ms)').argParser(parseTime))
    .addOption(new Option('--until <time>', 'until this time (ISO 8601 or epoch ms)').argParser(parseTime))
    .addOption(new Option('--page <n>', 'page number').argParser(parsePositiveInteger).default(1))
    .addOption(
      new Option('--page-size <n>', 'events per page, up to 100')
        .argParser(parsePositiveInteger)
        .default(DEFAULT_PAGE_SIZE),
    )
    .action(
      withContext(async (context, options: ListOptions) => {
        const { events, total } = await (
          await context.managementClient()
        ).audit.list({
          userId: options.user,
          patName: options.pat,
          action: options.action,
          from: options.since,
          to: options.until,
          page: options.page,
          pageSize: options.pageSize,
        });
        if (context.json) return printJson(events);
        const pages = Math.max(1, Math.ceil(total / options.pageSize));
        printTable(
          ['TIME', 'ACTION', 'TARGET', 'CALLER', 'SOURCE IP'],
          events.map((event) => [
            formatTime(event.at),
            event.action,
            target(event),
            event.callerArn,
            event.sourceIp ?? '',
          ]),
          total === 0 ? 'No audit events.' : `No events on page ${options.page} of ${pages} (${total} events).`,
        );
        if (events.length > 0) print(`Page ${options.page} of ${pages} (${total} events).`);
      }),
    );
}
