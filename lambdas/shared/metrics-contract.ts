/**
 * The custom metrics the handlers emit (observability.ts) and the alarms and dashboard read
 * (lib/monitoring.ts), each named once. Every one carries the dimension `service` (POWERTOOLS_SERVICE_NAME);
 * CloudWatch treats each combination of dimensions as a metric of its own. Like lambdas/routes.ts, this
 * module must stay free of runtime dependencies: CDK code and Lambda bundles both import it.
 */

export const defaultMetricsNamespace = 'Patgate';

export const metricNames = {
  tokenExchangeSucceeded: 'TokenExchangeSucceeded',
  /** A rejected token exchange; emitted once with `service` only, once more with `service` and `reason`. */
  tokenExchangeFailed: 'TokenExchangeFailed',
  /** A request that failed with a 5XX, with `service` and `dependency`. */
  dependencyFailure: 'DependencyFailure',
  /** A management API write, with `service` and `action` (the operation). */
  managementAction: 'ManagementAction',
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];

/** Values of DependencyFailure's `dependency` dimension; `none`: the request failed for another reason. */
export const failedDependencies = ['dynamodb', 'kms', 'none'] as const;

/** The dimensions besides `service` that each metric may be emitted with. */
export interface MetricDimensions {
  TokenExchangeSucceeded: Record<string, never>;
  TokenExchangeFailed: Record<string, never> | { reason: string };
  DependencyFailure: { dependency: (typeof failedDependencies)[number] };
  ManagementAction: { action: string };
}
