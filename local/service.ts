/**
 * The whole service on one machine: DynamoDB Local, the KMS emulator and the local gateway in
 * front of the production handlers. Used by `npm start`, the tests and the benchmark alike.
 * Engines already named by AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_KMS are used instead of
 * starting ours (LocalStack, moto, a real account, or the test harness's shared engines).
 */
import type { MaintenanceReport } from '../lambdas/maintenance/handler';
import type { ExpiryNoticeReport } from '../lambdas/maintenance/expiry-notices';
import { startEventBridgeSink, type EventBridgeSink } from './eventbridge-sink';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { CONSOLE_PATH, consoleEntryUrl, createConsoleHandler, newConsoleAccessToken } from '../console/server/handler';
import { routes } from '../lambdas/routes';
import { randomString, sha256Hex } from '../lambdas/shared/crypto/secrets';
import { handlerEnvironment } from '../lambdas/shared/env-contract';
import { defaultMetricsNamespace } from '../lambdas/shared/metrics-contract';
import { getApplication, putApplication } from '../lambdas/shared/store/applications';
import { ensureSigningKey, ensureTable } from './bootstrap';
import { startDynamoDbLocal } from './engines/dynamodb-local';
import { startLocalGateway } from './gateway/server';
import { startKmsEmulator } from './kms/server';
import { loadHandler } from './handlers';

export interface LocalServiceOptions {
  /** Persist engines' data and dev.json here; without it everything is in memory. */
  dataDir?: string;
  port?: number;
  host?: string;
  region?: string;
  tableName?: string;
  /** Extra environment for the handlers (e.g. a short KEY_CACHE_TTL_SECONDS in tests). */
  handlerEnv?: Record<string, string>;
  log?: (line: string) => void;
}

export interface DevConfig {
  baseUrl: string;
  /**
   * The operator console (built by `npm run build:console`; `npm start` does), with this run's access token:
   * the URL to open. A new token every start.
   */
  consoleUrl: string;
  issuer: string;
  region: string;
  awsAccessKeyId: string;
  awsSecretAccessKey: string;
  tableName: string;
  signingKeyAlias: string;
  demoApplication: { clientId: string; clientSecret: string };
  endpoints: { dynamodb: string; kms: string };
}

export interface LocalService {
  config: DevConfig;
  /** One run of the maintenance function (migration, purges), as its schedule would run it in AWS. */
  runMaintenance(): Promise<MaintenanceReport>;
  /** The expiry-notice part of maintenance, at a time the caller chooses. */
  runExpiryNotices(now: number): Promise<ExpiryNoticeReport>;
  /** Where the handlers' EventBridge events go (AWS_ENDPOINT_URL_EVENTBRIDGE). */
  eventSink: EventBridgeSink;
  close(): Promise<void>;
}

export const SIGNING_KEY_ALIAS = 'alias/patgate/signing';
export const PUBLISHED_KEY_ALIASES = [
  SIGNING_KEY_ALIAS,
  'alias/patgate/signing-previous',
  'alias/patgate/signing-next',
];

interface SavedState {
  awsAccessKeyId: string;
  awsSecretAccessKey: string;
  demoApplication?: { clientId: string; clientSecret: string };
}

function loadState(dataDir: string | undefined): SavedState {
  if (dataDir) {
    try {
      const saved = JSON.parse(readFileSync(join(dataDir, 'dev.json'), 'utf8')) as SavedState;
      if (saved.awsAccessKeyId && saved.awsSecretAccessKey) return saved;
    } catch {
      // First start: fall through and make new credentials.
    }
  }
  // DynamoDB Local only accepts alphanumeric access key ids.
  return {
    awsAccessKeyId: `AKIA${randomString(16, '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ')}`,
    awsSecretAccessKey: randomString(40),
  };
}

async function ensureDemoApplication(
  saved: SavedState['demoApplication'],
): Promise<{ clientId: string; clientSecret: string }> {
  if (saved && (await getApplication(saved.clientId))) return saved;
  const clientId = randomString(21, '0123456789abcdefghijklmnopqrstuvwxyz');
  const clientSecret = randomString(32);
  try {
    // Audited like any change; the local service itself is the caller.
    await putApplication(
      { callerArn: 'local-service', sourceIp: null, requestId: null },
      {
        id: clientId,
        name: 'Demo application',
        description: 'Created by the local service; allowed to exchange personal access tokens.',
        type: 'MachineToMachine',
        secretHash: sha256Hex(clientSecret),
        allowTokenExchange: true,
        createdAt: Date.now(),
      },
    );
  } catch (error) {
    // A freshly started DynamoDB Local can be slow enough for the SDK to retry a write that had succeeded;
    // the retry then fails its condition. The application is there: that's all we wanted.
    if (!(await getApplication(clientId))) throw error;
  }
  return { clientId, clientSecret };
}

export async function startLocalService(options: LocalServiceOptions = {}): Promise<LocalService> {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const tableName = options.tableName ?? 'patgate';
  const state = loadState(options.dataDir);
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };

  try {
    let dynamodbUrl = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    if (!dynamodbUrl) {
      const engine = await startDynamoDbLocal({ dataDir: options.dataDir && join(options.dataDir, 'dynamodb') });
      stops.push(() => engine.stop());
      dynamodbUrl = engine.url;
    }
    let kmsUrl = process.env.AWS_ENDPOINT_URL_KMS;
    if (!kmsUrl) {
      // Ours signs only for the credentials the handlers and `npm run rotate-key` sign with.
      const credentials = new Map([[state.awsAccessKeyId, state.awsSecretAccessKey]]);
      const { AWS_ACCESS_KEY_ID: envKeyId, AWS_SECRET_ACCESS_KEY: envSecret } = process.env;
      if (envKeyId && envSecret) credentials.set(envKeyId, envSecret);
      const emulator = await startKmsEmulator({
        region,
        credentials,
        dataDir: options.dataDir && join(options.dataDir, 'kms'),
      });
      stops.push(() => emulator.close());
      kmsUrl = emulator.url;
    }

    const eventSink = await startEventBridgeSink();
    stops.push(() => eventSink.close());

    // The handlers read all of this through the unmodified AWS SDK and lambdas/shared/config.ts. The issuer
    // follows once the gateway listens.
    Object.assign(process.env, {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? state.awsAccessKeyId,
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? state.awsSecretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbUrl,
      AWS_ENDPOINT_URL_KMS: kmsUrl,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventSink.url,
      ...handlerEnvironment({
        tableName,
        signingKeyAlias: SIGNING_KEY_ALIAS,
        publishedKeyAliases: PUBLISHED_KEY_ALIASES,
        serviceName: 'patgate',
        metricsNamespace: defaultMetricsNamespace,
      }),
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      ...options.handlerEnv,
    });

    await ensureTable(new DynamoDBClient({}), tableName);
    await ensureSigningKey(new KMSClient({}), SIGNING_KEY_ALIAS);
    const demoApplication = await ensureDemoApplication(state.demoApplication);
    // As `cdk deploy` does before the handlers go live: migrate data of older versions.
    // Loaded here, as Lambda would load it: its logger and metrics read the environment set above on import.
    const runMaintenance = async () => (await import('../lambdas/maintenance/handler')).handler();
    await runMaintenance();

    // The operator console, on the API's origin: it signs the page's calls with the local credentials and
    // forwards them to this gateway (whose URL is known once it listens).
    let gatewayUrl = '';
    const consoleAccessToken = newConsoleAccessToken();
    const operatorConsole = createConsoleHandler({
      accessToken: consoleAccessToken,
      apiEndpoint: () => gatewayUrl,
      signing: {
        region,
        credentials: { accessKeyId: state.awsAccessKeyId, secretAccessKey: state.awsSecretAccessKey },
      },
    });
    const gateway = await startLocalGateway({
      mounts: [{ prefix: CONSOLE_PATH, handler: operatorConsole }],
      routes,
      loadHandler,
      credentials: new Map([[state.awsAccessKeyId, state.awsSecretAccessKey]]),
      region,
      port: options.port,
      host: options.host,
      log: options.log,
    });
    stops.push(() => gateway.close());
    const issuer = `${gateway.url}/oidc`;
    Object.assign(process.env, handlerEnvironment({ issuer }));
    gatewayUrl = gateway.url;

    const config: DevConfig = {
      baseUrl: gateway.url,
      consoleUrl: consoleEntryUrl(gateway.url, consoleAccessToken),
      issuer,
      region,
      awsAccessKeyId: state.awsAccessKeyId,
      awsSecretAccessKey: state.awsSecretAccessKey,
      tableName,
      signingKeyAlias: SIGNING_KEY_ALIAS,
      demoApplication,
      endpoints: { dynamodb: dynamodbUrl, kms: kmsUrl },
    };
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
      const file = join(options.dataDir, 'dev.json');
      writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
      // `mode` applies only to a new file: an older dev.json keeps its mode otherwise.
      chmodSync(file, 0o600);
    }
    const runExpiryNotices = async (now: number) =>
      (await import('../lambdas/maintenance/expiry-notices')).sendExpiryNotices(now);
    return { config, runMaintenance, runExpiryNotices, eventSink, close };
  } catch (error) {
    await close();
    throw error;
  }
}
