/** `npm run rotate-key -- stage [RSA_2048] | promote | retire` against the local service's KMS (.local/dev.json). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KMSClient, type KeySpec } from '@aws-sdk/client-kms';
import type { DevConfig } from './service';
import { promoteNextKey, retirePreviousKey, stageNextKey } from './key-rotation';

async function main() {
  const [step, keySpec] = process.argv.slice(2);
  const config = JSON.parse(
    readFileSync(resolve(process.env.PATGATE_DATA_DIR ?? '.local', 'dev.json'), 'utf8'),
  ) as DevConfig;
  const kms = new KMSClient({
    endpoint: process.env.AWS_ENDPOINT_URL_KMS ?? config.endpoints.kms,
    region: config.region,
    credentials: { accessKeyId: config.awsAccessKeyId, secretAccessKey: config.awsSecretAccessKey },
  });
  if (step === 'stage')
    console.log(`staged ${await stageNextKey(kms, (keySpec as KeySpec | undefined) ?? 'ECC_NIST_P256')}`);
  else if (step === 'promote') await promoteNextKey(kms);
  else if (step === 'retire') await retirePreviousKey(kms);
  else throw new Error('usage: rotate-key stage [ECC_NIST_P256|RSA_2048] | promote | retire');
  console.log(`${step}: done`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
