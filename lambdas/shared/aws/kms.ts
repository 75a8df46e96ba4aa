import { KMSClient } from '@aws-sdk/client-kms';
import { clientConfig, configuredEndpoint, trimPerCallWork } from './client-config';

let kmsClient: KMSClient | undefined;

export function kms(): KMSClient {
  kmsClient ??= trimPerCallWork(new KMSClient({ ...clientConfig, ...configuredEndpoint('KMS') }));
  return kmsClient;
}
