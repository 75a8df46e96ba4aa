/**
 * Where patgate is: `--endpoint` (or PATGATE_ENDPOINT); else the outputs of a deployed stack named with
 * `--stack` (or PATGATE_STACK); else the local service's dev.json; else the stack of the default name.
 * An endpoint that is the local service's (per its dev.json) is signed with the local service's credentials.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { DevConfig } from '../local/service';
import { CliError, UsageError } from './errors';

/** bin/patgate.ts deploys this stack unless told otherwise. */
export const DEFAULT_STACK_NAME = 'patgate';

export interface Target {
  /** Base URL, without a trailing slash. */
  endpoint: string;
  /** Set for the local service, which has its own credentials and demo application. */
  local?: {
    file: string;
    region: string;
    credentials: AwsCredentialIdentity;
    demoApplication?: { clientId: string; clientSecret: string };
    /** The console with the running service's access token (dev.json's consoleUrl). */
    consoleUrl?: string;
  };
}

export interface TargetOptions {
  endpoint?: string;
  stack?: string;
  profile?: string;
  /** Region for the CloudFormation lookup. */
  region: () => Promise<string>;
  credentials: AwsCredentialIdentityProvider;
}

export async function resolveTarget(options: TargetOptions): Promise<Target> {
  if (options.endpoint) {
    const endpoint = baseUrl(options.endpoint, '--endpoint');
    // The local service's own URL: sign with its credentials (it accepts no others), unless a profile is named.
    if (!options.profile) {
      const local = readLocalServiceQuietly();
      if (local && sameEndpoint(local.endpoint, endpoint)) return { ...local, endpoint };
    }
    return { endpoint };
  }
  // Naming AWS things (a stack, a profile) means a deployment, not the local service.
  if (!options.stack && !options.profile) {
    const local = readLocalService();
    if (local) return local;
  }
  const stackName = options.stack ?? DEFAULT_STACK_NAME;
  try {
    return { endpoint: await stackEndpoint(stackName, options) };
  } catch (error) {
    if (options.stack || !(error instanceof Error)) throw error;
    throw new UsageError(
      `No patgate endpoint: pass --endpoint, set PATGATE_ENDPOINT, name a deployed stack with --stack, or start ` +
        `the local service (npm start). Looking for a stack named ${stackName} failed: ${error.message}`,
    );
  }
}

function baseUrl(value: string, from: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new UsageError(`${from} must be an http(s) URL, not "${value}".`);
  }
  return value.replace(/\/+$/, '');
}

type LocalConfig = Pick<DevConfig, 'baseUrl' | 'region' | 'awsAccessKeyId' | 'awsSecretAccessKey' | 'demoApplication'> &
  Partial<Pick<DevConfig, 'consoleUrl'>>;

const hasStrings = (value: unknown, ...keys: string[]): value is Record<string, string> =>
  typeof value === 'object' &&
  value !== null &&
  keys.every((key) => typeof (value as Record<string, unknown>)[key] === 'string');

function isLocalConfig(value: unknown): value is LocalConfig {
  return (
    hasStrings(value, 'baseUrl', 'region', 'awsAccessKeyId', 'awsSecretAccessKey') &&
    hasStrings((value as { demoApplication?: unknown }).demoApplication, 'clientId', 'clientSecret')
  );
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Same scheme, port and path; the loopback names count as one host. */
function sameEndpoint(a: string, b: string): boolean {
  const [x, y] = [new URL(a), new URL(b)];
  const host = (url: URL) => (LOOPBACK.has(url.hostname) ? 'loopback' : url.hostname);
  return x.protocol === y.protocol && x.port === y.port && host(x) === host(y) && x.pathname === y.pathname;
}

/**
 * The local service's dev.json: in PATGATE_DATA_DIR, else in `.local/` of the working directory or the nearest
 * folder above it that has one (so the CLI finds it from anywhere inside the repository).
 */
function localServiceFile(): string | undefined {
  if (process.env.PATGATE_DATA_DIR) return resolve(process.env.PATGATE_DATA_DIR, 'dev.json');
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const file = join(dir, '.local', 'dev.json');
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) return undefined;
  }
}

function readLocalServiceQuietly(): Target | undefined {
  try {
    return readLocalService();
  } catch {
    return undefined;
  }
}

/** What `npm start` wrote (local/start.ts): the gateway's URL, its credentials and a demo application. */
function readLocalService(): Target | undefined {
  const file = localServiceFile();
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const config = parseJson(text);
  if (!isLocalConfig(config)) throw new CliError(`${file} is not a patgate dev.json; delete it or pass --endpoint.`);
  return {
    endpoint: baseUrl(config.baseUrl, file),
    local: {
      file,
      region: config.region,
      credentials: { accessKeyId: config.awsAccessKeyId, secretAccessKey: config.awsSecretAccessKey },
      demoApplication: config.demoApplication,
      consoleUrl: typeof config.consoleUrl === 'string' ? config.consoleUrl : undefined,
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The stack's ManagementApiUrl output (`{base}/api`), or its Issuer (`{base}/oidc`): see lib/patgate-stack.ts. */
async function stackEndpoint(stackName: string, options: TargetOptions): Promise<string> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cloudFormation = new CloudFormationClient({ region: await options.region(), credentials: options.credentials });
  const { Stacks: stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  const outputs = new Map(stacks?.[0]?.Outputs?.map((output) => [output.OutputKey, output.OutputValue]));
  const endpoint =
    outputs.get('ManagementApiUrl')?.replace(/\/api\/?$/, '') ?? outputs.get('Issuer')?.replace(/\/oidc\/?$/, '');
  if (!endpoint) throw new CliError(`Stack ${stackName} has no ManagementApiUrl output: is it a patgate stack?`);
  return baseUrl(endpoint, `stack ${stackName}`);
}
