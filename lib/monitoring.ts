/** CloudWatch alarms for on-call, and a dashboard that puts them next to the metrics behind them. */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { failedDependencies, metricNames, type MetricName } from '../lambdas/shared/metrics-contract';
import type { PatgateFunctions } from './functions';
import { wafRuleNames } from './waf';

/** Dependencies whose failures raise an alarm (`none`, any other 5XX, shows in Api5xx and the function alarms). */
const alarmedDependencies = failedDependencies.filter((dependency) => dependency !== 'none');

export interface PatgateMonitoringProps {
  /** Prefix of alarm names, dashboard name, and the `service` dimension of custom metrics. */
  readonly serviceName: string;
  readonly metricsNamespace: string;
  readonly stage: apigw.Stage;
  readonly functions: PatgateFunctions;
  readonly table: dynamodb.ITable;
  readonly webAclName: string;
  readonly alarmTopic?: sns.ITopic;
  /** Failed token exchanges per 5 minutes that raise an alarm. */
  readonly failedTokenExchangeThreshold: number;
}

const period = Duration.minutes(5);
const sum = { statistic: cloudwatch.Stats.SUM, period };
const p99 = { statistic: cloudwatch.Stats.p(99), period };

/** The operations the functions call; DynamoDB reports errors and throttles per operation. */
const tableOperations = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

export class PatgateMonitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: PatgateMonitoringProps,
  ) {
    super(scope, id);
    this.createAlarms();
    this.dashboard = this.createDashboard();
  }

  private createAlarms(): void {
    const { stage, functions, table } = this.props;
    this.alarm(
      'Api5xx',
      stage.metricServerError(sum),
      5,
      'The API answered 5XX. The access log (integrationError, errorMessage) and the function alarms tell which route and why.',
    );
    for (const [name, fn] of functions.all) {
      const title = name.charAt(0).toUpperCase() + name.slice(1);
      this.alarm(
        `${title}FunctionErrors`,
        fn.metricErrors(sum),
        1,
        `The ${name} function crashed or timed out (handled errors do not count). See its log group.`,
      );
      this.alarm(
        `${title}FunctionThrottles`,
        fn.metricThrottles(sum),
        1,
        `Lambda throttled the ${name} function: the account's concurrency is exhausted.`,
      );
    }
    this.alarm(
      'TableSystemErrors',
      table.metricSystemErrorsForOperations({ ...sum, operations: tableOperations }),
      1,
      'DynamoDB returned internal errors (HTTP 500). Check the AWS Health Dashboard.',
    );
    this.alarm(
      'TableThrottles',
      table.metricThrottledRequestsForOperations({ ...sum, operations: tableOperations }),
      1,
      'DynamoDB throttled requests: traffic outgrew on-demand capacity or a partition is hot.',
    );
    for (const dependency of alarmedDependencies) {
      this.alarm(
        `${dependency === 'kms' ? 'Kms' : 'DynamoDb'}Failures`,
        this.custom(metricNames.dependencyFailure, { dependency }),
        3,
        `Requests failed because ${dependency} calls failed after the SDK's retries. Function logs ("request failed") carry the error.`,
      );
    }
    this.alarm(
      'FailedTokenExchanges',
      this.custom(metricNames.tokenExchangeFailed),
      this.props.failedTokenExchangeThreshold,
      'A spike of rejected token exchanges: a misconfigured client, or someone guessing PATs. Function logs give the reasons; WAF logs the source IPs.',
    );
  }

  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: `${this.props.serviceName}-${id}`,
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (this.props.alarmTopic) {
      alarm.addAlarmAction(new actions.SnsAction(this.props.alarmTopic));
      alarm.addOkAction(new actions.SnsAction(this.props.alarmTopic));
    }
    this.alarms.push(alarm);
  }

  private createDashboard(): cloudwatch.Dashboard {
    const { stage, table } = this.props;
    const functions = [...this.props.functions.all];
    const graph = (title: string, left: cloudwatch.IMetric[]) => new cloudwatch.GraphWidget({ title, left, width: 8 });

    return new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: this.props.serviceName,
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
        [
          graph('API requests', [stage.metricCount(sum), stage.metricClientError(sum), stage.metricServerError(sum)]),
          graph('API latency (p99)', [stage.metricLatency(p99), stage.metricIntegrationLatency(p99)]),
          graph('Token exchanges', [
            this.custom(metricNames.tokenExchangeSucceeded),
            this.custom(metricNames.tokenExchangeFailed),
          ]),
        ],
        [
          graph(
            'Function invocations',
            functions.map(([name, fn]) => fn.metricInvocations({ ...sum, label: name })),
          ),
          graph(
            'Function errors and throttles',
            functions.flatMap(([name, fn]) => [
              fn.metricErrors({ ...sum, label: `${name} errors` }),
              fn.metricThrottles({ ...sum, label: `${name} throttles` }),
            ]),
          ),
          graph(
            'Function duration (p99)',
            functions.map(([name, fn]) => fn.metricDuration({ ...p99, label: name })),
          ),
        ],
        [
          graph('Failed token exchanges by reason', [this.byDimension(metricNames.tokenExchangeFailed, 'reason')]),
          graph('Failures by dependency', [this.byDimension(metricNames.dependencyFailure, 'dependency')]),
          graph('WAF requests', [
            this.waf('BlockedRequests', wafRuleNames.tokenRateLimit),
            this.waf('BlockedRequests', wafRuleNames.credentialRevocationRateLimit),
            this.waf('BlockedRequests', wafRuleNames.commonRuleSet),
            this.waf('AllowedRequests', 'ALL'),
          ]),
        ],
        [
          graph('Table capacity consumed', [
            table.metricConsumedReadCapacityUnits(sum),
            table.metricConsumedWriteCapacityUnits(sum),
          ]),
          // Separate graphs: both expressions name their per-operation metrics alike.
          graph('Table system errors', [
            table.metricSystemErrorsForOperations({ ...sum, operations: tableOperations }),
          ]),
          graph('Table throttled requests', [
            table.metricThrottledRequestsForOperations({ ...sum, operations: tableOperations }),
          ]),
        ],
      ],
    });
  }

  /** A handler metric: `service` plus the given dimensions, exactly. */
  private custom(metricName: MetricName, dimensions: Record<string, string> = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.props.metricsNamespace,
      metricName,
      dimensionsMap: { service: this.props.serviceName, ...dimensions },
      ...sum,
    });
  }

  /** For dashboards only (alarms can't search): one line per value of `dimension`, whatever the values are. */
  private byDimension(metricName: MetricName, dimension: string): cloudwatch.MathExpression {
    const { metricsNamespace, serviceName } = this.props;
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{${metricsNamespace},service,${dimension}} MetricName="${metricName}" service="${serviceName}"', 'Sum', ${period.toSeconds()})`,
      label: '',
      period,
    });
  }

  private waf(metricName: string, rule: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName,
      dimensionsMap: { WebACL: this.props.webAclName, Region: Stack.of(this).region, Rule: rule },
      label: `${metricName} (${rule})`,
      ...sum,
    });
  }
}
