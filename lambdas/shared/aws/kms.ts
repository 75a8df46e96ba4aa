import { KMSClient } from '@aws-sdk/client-kms';
import { clientConfig } from './client-config';

let kmsClient: KMSClient | undefined;

export function kms(): KMSClient {
  kmsClient ??= new KMSClient(clientConfig);
  return kmsClient;
}
