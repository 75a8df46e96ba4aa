/**
 * Runs the maintenance function (lambdas/maintenance) on a schedule, and once on every deployment that
 * changes it, before the route handlers are updated: so the legacy-user migration has run by the time a
 * new token handler needs registered users.
 */
import { Annotations, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import type { PatgateFunctions } from './functions';

export interface PatgateMaintenanceProps {
  readonly functions: PatgateFunctions;
  /** How often pending purges are continued. */
  readonly interval: Duration;
}

export class PatgateMaintenance extends Construct {
  constructor(scope: Construct, id: string, props: PatgateMaintenanceProps) {
    super(scope, id);
    const maintenance = props.functions.get('maintenance');
    // The trigger pins the function's current version; the schedule invokes the function itself, unqualified.
    Annotations.of(maintenance).acknowledgeWarning(
      '@aws-cdk/aws-lambda:addPermissionsToVersionOrAlias',
      'The schedule invokes the unqualified function; only the deploy trigger uses a version, through its own provider.',
    );
    new events.Rule(this, 'Schedule', {
      description: 'patgate maintenance: continue purges of deleted users and revoked PATs',
      schedule: events.Schedule.rate(props.interval),
      targets: [new targets.LambdaFunction(maintenance, { retryAttempts: 2 })],
    });
    const onDeploy = new triggers.Trigger(this, 'OnDeploy', {
      handler: maintenance,
      invocationType: triggers.InvocationType.REQUEST_RESPONSE,
      timeout: Duration.minutes(2),
      executeOnHandlerChange: true,
    });
    for (const [name, fn] of props.functions.all) {
      if (name !== 'maintenance') onDeploy.executeBefore(fn);
    }
  }
}
