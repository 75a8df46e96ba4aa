import { KMSClient } from '@aws-sdk/client-kms';
import { clientConfig, trimPerCallWork } from './client-config';

let kmsClient: KMSClient | undefined;

export function kms(): KMSClient {
  kmsClient ??= trimPerCallWork(new KMSClient(clientConfig));
  return kmsClient;
}
