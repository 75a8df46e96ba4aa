/**
 * Powertools logger and metrics, one instance per container. Service name and metrics namespace
 * come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE (set by the stack).
 * Rule: never log a request body, an Authorization header, a PAT, a client secret or a token.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricDimensions, MetricName } from './metrics-contract';

export const logger = new Logger();

// Read-only routes emit no metrics; Powertools warns about that on every call, which is noise here.
export const metrics = new Metrics({
  logger: {
    debug: (...args: unknown[]) => logger.debug(String(args[0])),
    info: (...args: unknown[]) => logger.info(String(args[0])),
    warn: (...args: unknown[]) => logger.debug(String(args[0])),
    error: (...args: unknown[]) => logger.error(String(args[0])),
  },
});

/** Counts one occurrence of a metric named in metrics-contract.ts, with the dimensions declared there. */
export function countMetric<N extends MetricName>(name: N, dimensions?: MetricDimensions[N]): void {
  if (!dimensions || Object.keys(dimensions).length === 0) {
    metrics.addMetric(name, MetricUnit.Count, 1);
    return;
  }
  // A single-metric entry keeps per-outcome dimensions off the other metrics of the invocation.
  const single = metrics.singleMetric();
  for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
  single.addMetric(name, MetricUnit.Count, 1);
}
