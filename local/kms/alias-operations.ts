import { KmsError, modelValidationError } from './errors';
import { requireNotPendingDeletion, type KeyStore, type KmsKey } from './keystore';
import { paginate } from './pagination';
import { epochSeconds, type OperationHandler, type RequestBody } from './protocol';
import { optionalString, requiredKeyIdentifier, requiredString } from './request-fields';

const ALIAS_NAME_PATTERN = /^[a-zA-Z0-9:/_-]+$/;
const ALIAS_NAME_CHARACTERS = /^alias\/[a-zA-Z0-9/_-]+$/;

/** Reads AliasName with the checks every alias operation applies (length, pattern, "alias/" prefix). */
function readAliasName(request: RequestBody): string {
  const aliasName = requiredString(request, 'AliasName', { min: 1, max: 256 });
  if (!ALIAS_NAME_PATTERN.test(aliasName)) {
    throw modelValidationError(
      'AliasName',
      `Member must satisfy regular expression pattern: ${ALIAS_NAME_PATTERN.source}`,
      aliasName,
    );
  }
  if (!aliasName.startsWith('alias/')) {
    throw new KmsError(
      'ValidationException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
  }
  return aliasName;
}

/** An alias may only point at a key given by key id or key ARN, and not at one pending deletion. */
function readTargetKey(request: RequestBody, store: KeyStore): KmsKey {
  const key = store.getKey(requiredKeyIdentifier(request, 'TargetKeyId'), { acceptAlias: false });
  requireNotPendingDeletion(key);
  return key;
}

const createAlias: OperationHandler = async (request, store) => {
  const aliasName = readAliasName(request);
  if (aliasName.startsWith('alias/aws/')) {
    throw new KmsError(
      'InvalidAliasNameException',
      'Alias names beginning with alias/aws/ are reserved for AWS managed keys.',
    );
  }
  if (!ALIAS_NAME_CHARACTERS.test(aliasName)) {
    throw new KmsError(
      'InvalidAliasNameException',
      `Alias name ${aliasName} must continue after "alias/" with letters, digits, slashes, underscores or dashes only.`,
    );
  }
  const target = readTargetKey(request, store);
  const existing = store.findAlias(aliasName);
  if (existing !== undefined) {
    throw new KmsError('AlreadyExistsException', `An alias with the name ${existing.arn} already exists`);
  }
  store.createAlias(aliasName, target.keyId);
  await store.save();
  return {};
};

const updateAlias: OperationHandler = async (request, store) => {
  const alias = store.getAlias(readAliasName(request));
  // KMS also requires the old and new key to share key type and usage; every emulated key is an asymmetric
  // SIGN_VERIFY key, so that always holds.
  alias.targetKeyId = readTargetKey(request, store).keyId;
  alias.lastUpdatedDate = new Date();
  await store.save();
  return {};
};

const deleteAlias: OperationHandler = async (request, store) => {
  store.deleteAlias(store.getAlias(readAliasName(request)).aliasName);
  await store.save();
  return {};
};

const listAliases: OperationHandler = (request, store) => {
  const keyIdentifier = optionalString(request, 'KeyId', { min: 1, max: 2048 });
  const targetKeyId =
    keyIdentifier === undefined ? undefined : store.getKey(keyIdentifier, { acceptAlias: false }).keyId;
  const aliases = store.listAliases().filter((alias) => targetKeyId === undefined || alias.targetKeyId === targetKeyId);
  const page = paginate(request, aliases, (alias) => alias.aliasName, { defaultLimit: 50, maxLimit: 100 });
  return {
    Aliases: page.items.map((alias) => ({
      AliasName: alias.aliasName,
      AliasArn: alias.arn,
      TargetKeyId: alias.targetKeyId,
      CreationDate: epochSeconds(alias.creationDate),
      LastUpdatedDate: epochSeconds(alias.lastUpdatedDate),
    })),
    Truncated: page.truncated,
    NextMarker: page.nextMarker,
  };
};

export const aliasOperations: Readonly<Record<string, OperationHandler>> = {
  CreateAlias: createAlias,
  UpdateAlias: updateAlias,
  DeleteAlias: deleteAlias,
  ListAliases: listAliases,
};
