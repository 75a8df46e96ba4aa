/**
 * The AWS SDK's standard credential chain (environment, shared config and credentials files, SSO,
 * credential_process, web identity, ECS task and EC2 instance roles), loaded on first use: callers
 * that never sign a request don't pay for importing it.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';

export function defaultCredentials(options: { profile?: string } = {}): AwsCredentialIdentityProvider {
  let provider: Promise<AwsCredentialIdentityProvider> | undefined;
  return async (identityProperties) => {
    provider ??= import('@aws-sdk/credential-providers').then(({ fromNodeProviderChain }) =>
      // The chain caches credentials and refreshes them before they expire.
      fromNodeProviderChain({ profile: options.profile }),
    );
    return (await provider)(identityProperties);
  };
}
