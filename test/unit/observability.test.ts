/**
 * A log line that also counts a metric (lambdas/shared/observability.ts `infoCounting`, the token endpoint's success
 * line): CloudWatch's embedded metric format in the log event itself. Its `_aws` block must be the one Powertools
 * Metrics would publish for the same count — namespace, dimensions, unit — and every name it refers to must be a
 * root member of the line (a dimension's a string, a metric's a number), or CloudWatch drops the metric silently.
 */
import { jest } from '@jest/globals';

type Observability = typeof import('../../lambdas/shared/observability');

const ENV = {
  POWERTOOLS_SERVICE_NAME: 'patgate-unit',
  POWERTOOLS_METRICS_NAMESPACE: 'PatgateUnit',
  POWERTOOLS_LOG_LEVEL: 'INFO',
};

let lines: string[] = [];
const realWrite = process.stdout.write.bind(process.stdout);
beforeEach(() => {
  lines = [];
  process.stdout.write = ((chunk: unknown) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  }) as typeof process.stdout.write;
});
afterEach(() => {
  process.stdout.write = realWrite;
});

/** The module as a container loads it: Powertools reads its environment when constructed. */
function loadWith(env: Record<string, string>): Observability {
  Object.assign(process.env, ENV, env);
  let loaded: Observability | undefined;
  jest.isolateModules(() => {
    loaded = require('../../lambdas/shared/observability') as Observability;
  });
  return loaded!;
}

const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

interface EmfBlock {
  Timestamp: number;
  CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
}

describe('infoCounting', () => {
  it('writes one line that is both the log event and an EMF record Powertools would have published', () => {
    const { infoCounting, metrics, logger } = loadWith({ POWERTOOLS_METRICS_DISABLED: 'false' });
    const before = Date.now();
    infoCounting('token issued', 'TokenExchangeSucceeded', { sub: 'user-1', scope: 'read' });
    expect(lines).toHaveLength(1);
    const [line] = parsed();
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'token issued',
      service: 'patgate-unit',
      sub: 'user-1',
      scope: 'read',
      TokenExchangeSucceeded: 1,
    });

    const emf = line!._aws as EmfBlock;
    expect(emf.Timestamp).toBeGreaterThanOrEqual(before);
    expect(emf.Timestamp).toBeLessThanOrEqual(Date.now());
    for (const directive of emf.CloudWatchMetrics) {
      for (const dimension of directive.Dimensions.flat()) expect(typeof line![dimension]).toBe('string');
      for (const metric of directive.Metrics) expect(typeof line![metric.Name]).toBe('number');
    }

    // What Powertools Metrics publishes for the same count, through the container's own instance.
    lines = [];
    metrics.addMetric('TokenExchangeSucceeded', 'Count', 1);
    metrics.publishStoredMetrics();
    const published = parsed().find((candidate) => candidate._aws !== undefined)!;
    expect(emf.CloudWatchMetrics).toEqual((published._aws as EmfBlock).CloudWatchMetrics);
    expect(emf.CloudWatchMetrics).toEqual([
      {
        Namespace: 'PatgateUnit',
        Dimensions: [['service']],
        Metrics: [{ Name: 'TokenExchangeSucceeded', Unit: 'Count' }],
      },
    ]);
    expect(line!.service).toBe(published.service);

    logger.resetKeys();
  });

  it("counts nothing else, and leaves the invocation's stored metrics to their own line", () => {
    const { infoCounting, metrics } = loadWith({ POWERTOOLS_METRICS_DISABLED: 'false' });
    metrics.addMetric('ManagementAction', 'Count', 1);
    infoCounting('token issued', 'TokenExchangeSucceeded', {});
    metrics.publishStoredMetrics();
    const [counted, stored] = parsed();
    expect((counted!._aws as EmfBlock).CloudWatchMetrics.flatMap((directive) => directive.Metrics)).toEqual([
      { Name: 'TokenExchangeSucceeded', Unit: 'Count' },
    ]);
    expect(counted).not.toHaveProperty('ManagementAction');
    expect(stored).toMatchObject({ ManagementAction: 1 });
    expect(stored).not.toHaveProperty('TokenExchangeSucceeded');
  });

  it('is a plain log line while metrics are disabled', () => {
    const { infoCounting } = loadWith({ POWERTOOLS_METRICS_DISABLED: 'true' });
    infoCounting('token issued', 'TokenExchangeSucceeded', { sub: 'user-2' });
    const [line] = parsed();
    expect(line).toMatchObject({ message: 'token issued', sub: 'user-2' });
    expect(line).not.toHaveProperty('_aws');
    expect(line).not.toHaveProperty('TokenExchangeSucceeded');
  });
});
