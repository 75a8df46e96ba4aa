/**
 * One Lambda function per handler named in the route table, plus the scheduled maintenance function,
 * each with its own role and log group.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { handlerNames, type HandlerName } from '../lambdas/routes';
import { bundlingFor, depsLockFilePath, handlerEntry, projectRoot } from './bundling';
import { permissionsFor, type GrantedResources } from './permissions';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Functions outside the route table: `lambdas/maintenance` (migration, purges of ended PAT epochs). */
export type FunctionName = HandlerName | 'maintenance';

const MAINTENANCE_MEMORY_MB = 256;
/** Its runs stop starting new work after 45 s (lambdas/maintenance/handler.ts). */
const maintenanceTimeout = Duration.seconds(60);

export interface PatgateFunctionsProps extends GrantedResources {
  /** Variables every handler reads (lambdas/shared/env-contract.ts names them). */
  readonly environment: Readonly<Record<string, string>>;
  readonly memorySize: Readonly<Record<HandlerName, number>>;
  readonly logRetention: logs.RetentionDays;
  readonly logLevel: LogLevel;
}

/** Well inside API Gateway's 29 second integration timeout, so a slow call fails in the function, not the gateway. */
const timeout = Duration.seconds(10);

export class PatgateFunctions extends Construct {
  private readonly functions = new Map<FunctionName, NodejsFunction>();

  constructor(scope: Construct, id: string, props: PatgateFunctionsProps) {
    super(scope, id);
    for (const name of handlerNames) {
      this.functions.set(name, this.createFunction(name, props, props.memorySize[name], timeout));
    }
    this.functions.set(
      'maintenance',
      this.createFunction('maintenance', props, MAINTENANCE_MEMORY_MB, maintenanceTimeout),
    );
  }

  get all(): ReadonlyMap<FunctionName, NodejsFunction> {
    return this.functions;
  }

  get(name: FunctionName): NodejsFunction {
    const fn = this.functions.get(name);
    if (!fn) throw new Error(`No function for handler '${name}': it serves no route`);
    return fn;
  }

  private createFunction(
    name: FunctionName,
    props: PatgateFunctionsProps,
    memorySize: number,
    functionTimeout: Duration,
  ): NodejsFunction {
    const scope = new Construct(this, name);
    const logGroup = new logs.LogGroup(scope, 'Logs', { retention: props.logRetention });

    // An explicit role instead of the AWSLambdaBasicExecutionRole managed policy: logs go to this log group only.
    const role = new iam.Role(scope, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `patgate ${name} function`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    for (const statement of permissionsFor(name, props)) role.addToPolicy(statement);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions.',
    });

    return new NodejsFunction(scope, 'Function', {
      description: `patgate ${name} handler`,
      entry: handlerEntry(name),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize,
      timeout: functionTimeout,
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[props.logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: bundlingFor(name),
      projectRoot,
      depsLockFilePath,
    });
  }
}
