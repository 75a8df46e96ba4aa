/**
 * Signing key rotation by alias swap, for the local service (a deployed stack does the same swaps
 * through its CDK props; see the README's runbook):
 *   1. stage:   a new key becomes `signing-next`  → published in the JWKS, not yet used.
 *   2. promote: `signing` → the new key, `signing-previous` → the old one → new tokens use the new key,
 *               tokens signed before keep verifying.
 *   3. retire:  `signing-previous` is removed → the old key leaves the JWKS.
 * Between steps, wait at least KEY_CACHE_TTL_SECONDS plus the JWKS max-age so caches catch up.
 */
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  KMSClient,
  NotFoundException,
  UpdateAliasCommand,
  type KeySpec,
} from '@aws-sdk/client-kms';
import { createSigningKey } from './bootstrap';
import { PUBLISHED_KEY_ALIASES, SIGNING_KEY_ALIAS } from './service';

const [, PREVIOUS_ALIAS, NEXT_ALIAS] = PUBLISHED_KEY_ALIASES as [string, string, string];

async function targetOf(kms: KMSClient, alias: string): Promise<string | undefined> {
  try {
    return (await kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata?.KeyId;
  } catch (error) {
    if (error instanceof NotFoundException) return undefined;
    throw error;
  }
}

async function pointAlias(kms: KMSClient, alias: string, keyId: string): Promise<void> {
  if (await targetOf(kms, alias)) await kms.send(new UpdateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));
  else await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));
}

export async function stageNextKey(kms: KMSClient, keySpec: KeySpec = 'ECC_NIST_P256'): Promise<string> {
  const arn = await createSigningKey(kms, undefined, keySpec);
  await pointAlias(kms, NEXT_ALIAS, arn.split('/').pop()!);
  return arn;
}

export async function promoteNextKey(kms: KMSClient): Promise<void> {
  const next = await targetOf(kms, NEXT_ALIAS);
  const current = await targetOf(kms, SIGNING_KEY_ALIAS);
  if (!next || !current) throw new Error(`Nothing to promote: ${NEXT_ALIAS} or ${SIGNING_KEY_ALIAS} is missing`);
  await pointAlias(kms, PREVIOUS_ALIAS, current);
  await pointAlias(kms, SIGNING_KEY_ALIAS, next);
  await kms.send(new DeleteAliasCommand({ AliasName: NEXT_ALIAS }));
}

export async function retirePreviousKey(kms: KMSClient): Promise<void> {
  if (await targetOf(kms, PREVIOUS_ALIAS)) await kms.send(new DeleteAliasCommand({ AliasName: PREVIOUS_ALIAS }));
}
