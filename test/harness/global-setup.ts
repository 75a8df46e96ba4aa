/**
 * Starts the real engines once per run of the integration or browser project (jest.config.cjs): DynamoDB
 * Local (in memory) and the KMS emulator.
 * Workers inherit the AWS_ENDPOINT_URL_* variables, so every local service started by a test file
 * talks to these engines through the unmodified AWS SDK.
 */
import { startDynamoDbLocal } from '../../local/engines/dynamodb-local';
import { startKmsEmulator } from '../../local/kms/server';
import { harnessCredentials, harnessKeyring } from './credentials';

declare global {
  // eslint-disable-next-line no-var
  var __patgateEngines: { stop(): Promise<void> } | undefined;
}

export default async function globalSetup(): Promise<void> {
  const [dynamodb, kms] = await Promise.all([startDynamoDbLocal(), startKmsEmulator({ credentials: harnessKeyring })]);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: harnessCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: harnessCredentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
    AWS_ENDPOINT_URL_KMS: kms.url,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  globalThis.__patgateEngines = {
    async stop() {
      await Promise.all([dynamodb.stop(), kms.close()]);
    },
  };
}
