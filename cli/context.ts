/** What every command needs, resolved lazily from the global options: the target service and clients for it. */
import type { Command } from 'commander';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { defaultCredentials } from '../client/credentials';
import { PatgateClient, regionOfEndpoint } from '../client/management-client';
import { PatgateNetworkError, type SigningOptions } from '../client/signed-fetch';
import { resolveTarget, type Target } from './endpoint';
import { CliError, UsageError } from './errors';

export interface GlobalOptions {
  endpoint?: string;
  stack?: string;
  profile?: string;
  region?: string;
  json?: boolean;
}

export class Context {
  readonly json: boolean;
  private readonly credentials: AwsCredentialIdentityProvider;
  private target?: Promise<Target>;

  constructor(private readonly options: GlobalOptions) {
    this.json = options.json ?? false;
    this.credentials = defaultCredentials({ profile: options.profile });
  }

  resolveTarget(): Promise<Target> {
    this.target ??= resolveTarget({
      ...this.options,
      region: () => this.awsRegion(),
      credentials: this.credentials,
    });
    return this.target;
  }

  /** The target and what signs its Management API calls: the local service's own credentials, or the AWS chain. */
  async signedTarget(): Promise<{ target: Target; region: string; credentials: SigningOptions['credentials'] }> {
    const target = await this.resolveTarget();
    if (target.local) return { target, region: target.local.region, credentials: target.local.credentials };
    const region = this.options.region ?? regionOfEndpoint(target.endpoint) ?? (await this.awsRegion());
    return { target, region, credentials: this.credentials };
  }

  /** A client that signs Management API calls. */
  async managementClient(): Promise<PatgateClient> {
    const { target, region, credentials } = await this.signedTarget();
    return new PatgateClient({ endpoint: target.endpoint, region, credentials });
  }

  /** A client for the public OAuth endpoints, which need no AWS credentials. */
  async publicClient(): Promise<PatgateClient> {
    const { endpoint } = await this.resolveTarget();
    return new PatgateClient({ endpoint });
  }

  /** As the AWS CLI: --region, then AWS_REGION / AWS_DEFAULT_REGION, then the profile's region. */
  private async awsRegion(): Promise<string> {
    const fromFlagOrEnv = this.options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (fromFlagOrEnv) return fromFlagOrEnv;
    // The SDK's own resolution reads the shared config files; any client's config exposes it.
    const { CloudFormationClient } = await import('@aws-sdk/client-cloudformation');
    try {
      return await new CloudFormationClient({ profile: this.options.profile }).config.region();
    } catch {
      throw new UsageError('No AWS region: pass --region, set AWS_REGION, or set one in your AWS profile.');
    }
  }

  /** Adds what the user can do about a failure, where the context knows it. */
  async explain(error: unknown): Promise<unknown> {
    if (!(error instanceof PatgateNetworkError) || !this.target) return error;
    const { local } = await this.target.catch(() => ({ local: undefined }));
    return local
      ? new CliError(`${error.message} (is the local service running? npm start; see ${local.file})`)
      : error;
  }
}

/**
 * Wraps a command's action: commander passes the positional arguments, the command's options and the
 * command itself; the action gets a Context (from the global options) followed by the first two.
 */
export function withContext<A extends unknown[]>(action: (context: Context, ...args: A) => Promise<void>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args.at(-1) as Command;
    const context = new Context(command.optsWithGlobals<GlobalOptions>());
    try {
      await action(context, ...(args.slice(0, -1) as A));
    } catch (error) {
      throw await context.explain(error);
    }
  };
}
