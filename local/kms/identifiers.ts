import { KmsError } from './errors';

/** The account and region the emulator pretends to be; every ARN it issues or accepts is scoped to them. */
export interface AccountScope {
  region: string;
  accountId: string;
}

export type KeyReference = { kind: 'key'; keyId: string } | { kind: 'alias'; aliasName: string };

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KMS_ARN = /^arn:aws[a-z-]*:kms:([^:]*):([^:]*):(key|alias)\/(.+)$/;

export function keyArn(scope: AccountScope, keyId: string): string {
  return `arn:aws:kms:${scope.region}:${scope.accountId}:key/${keyId}`;
}

export function aliasArn(scope: AccountScope, aliasName: string): string {
  return `arn:aws:kms:${scope.region}:${scope.accountId}:${aliasName}`;
}

/** Parses any of the four ways KMS lets callers name a key: key id, key ARN, alias name, alias ARN. */
export function parseKeyReference(scope: AccountScope, identifier: string): KeyReference {
  if (identifier.startsWith('alias/')) return { kind: 'alias', aliasName: identifier };
  if (!identifier.startsWith('arn:')) return { kind: 'key', keyId: requireKeyIdFormat(identifier) };

  const match = KMS_ARN.exec(identifier);
  if (!match) throw new KmsError('NotFoundException', `Invalid arn ${identifier}`);
  const [, region = '', accountId = '', resourceType, resourceId = ''] = match;
  if (region !== scope.region) throw new KmsError('NotFoundException', `Invalid arn ${region}`);
  if (accountId !== scope.accountId) {
    throw new KmsError('NotFoundException', `${identifier} does not exist in account ${scope.accountId}.`);
  }
  return resourceType === 'alias'
    ? { kind: 'alias', aliasName: `alias/${resourceId}` }
    : { kind: 'key', keyId: requireKeyIdFormat(resourceId) };
}

function requireKeyIdFormat(keyId: string): string {
  if (!KEY_ID.test(keyId)) throw new KmsError('NotFoundException', `Invalid keyId '${keyId}'`);
  return keyId;
}
