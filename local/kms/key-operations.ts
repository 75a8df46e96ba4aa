import { KeySpec, KeyUsageType } from '@aws-sdk/client-kms';
import { KmsError } from './errors';
import { isSupportedKeySpec, KEY_SPECS, signingAlgorithmsFor } from './key-specs';
import { requireNotPendingDeletion, type KeyStore, type KmsKey } from './keystore';
import { paginate } from './pagination';
import { epochSeconds, type OperationHandler, type ResponseBody } from './protocol';
import {
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalString,
  requiredKeyIdentifier,
} from './request-fields';

const DAY_MS = 24 * 60 * 60 * 1000;

function keyMetadata(key: KmsKey, store: KeyStore): ResponseBody {
  return {
    AWSAccountId: store.scope.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: epochSeconds(key.creationDate),
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: 'SIGN_VERIFY',
    KeyState: key.state,
    DeletionDate: key.deletionDate && epochSeconds(key.deletionDate),
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    SigningAlgorithms: signingAlgorithmsFor(key.keySpec),
    MultiRegion: false,
  };
}

const createKey: OperationHandler = async (request, store) => {
  const allKeySpecs = Object.values(KeySpec);
  // CustomerMasterKeySpec is the deprecated name of KeySpec and is still accepted by KMS.
  const keySpec =
    optionalEnum(request, 'KeySpec', allKeySpecs) ??
    optionalEnum(request, 'CustomerMasterKeySpec', allKeySpecs) ??
    KeySpec.SYMMETRIC_DEFAULT;
  const keyUsage = optionalEnum(request, 'KeyUsage', Object.values(KeyUsageType));
  const description = optionalString(request, 'Description', { max: 8192 }) ?? '';
  const origin = optionalString(request, 'Origin') ?? 'AWS_KMS';
  const multiRegion = optionalBoolean(request, 'MultiRegion') ?? false;

  if (!isSupportedKeySpec(keySpec)) {
    throw new KmsError(
      'UnsupportedOperationException',
      `KeySpec ${keySpec} is not supported by the KMS emulator, which only emulates asymmetric signing keys: ${Object.keys(KEY_SPECS).join(', ')}.`,
    );
  }
  if (keyUsage === undefined) {
    throw new KmsError(
      'ValidationException',
      'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.',
    );
  }
  if (keyUsage !== KeyUsageType.SIGN_VERIFY) {
    throw new KmsError('ValidationException', `The KMS emulator only supports KeyUsage SIGN_VERIFY, not ${keyUsage}.`);
  }
  if (origin !== 'AWS_KMS' || multiRegion) {
    throw new KmsError('UnsupportedOperationException', 'The KMS emulator only supports single-Region AWS_KMS keys.');
  }

  const key = store.createKey(keySpec, description);
  await store.save();
  return { KeyMetadata: keyMetadata(key, store) };
};

const describeKey: OperationHandler = (request, store) => ({
  KeyMetadata: keyMetadata(store.getKey(requiredKeyIdentifier(request)), store),
});

const listKeys: OperationHandler = (request, store) => {
  const page = paginate(request, store.listKeys(), (key) => key.keyId, { defaultLimit: 100, maxLimit: 1000 });
  return {
    Keys: page.items.map((key) => ({ KeyId: key.keyId, KeyArn: key.arn })),
    Truncated: page.truncated,
    NextMarker: page.nextMarker,
  };
};

const enableKey: OperationHandler = async (request, store) => {
  const key = store.getKey(requiredKeyIdentifier(request), { acceptAlias: false });
  requireNotPendingDeletion(key);
  key.state = 'Enabled';
  await store.save();
  return {};
};

const disableKey: OperationHandler = async (request, store) => {
  const key = store.getKey(requiredKeyIdentifier(request), { acceptAlias: false });
  requireNotPendingDeletion(key);
  key.state = 'Disabled';
  await store.save();
  return {};
};

const scheduleKeyDeletion: OperationHandler = async (request, store) => {
  const keyIdentifier = requiredKeyIdentifier(request);
  const pendingWindowInDays = optionalInteger(request, 'PendingWindowInDays', { min: 1, max: 365 }) ?? 30;
  if (pendingWindowInDays < 7 || pendingWindowInDays > 30) {
    throw new KmsError(
      'ValidationException',
      `PendingWindowInDays should be between 7 and 30, but it is ${pendingWindowInDays}`,
    );
  }
  const key = store.getKey(keyIdentifier, { acceptAlias: false });
  requireNotPendingDeletion(key);
  key.state = 'PendingDeletion';
  key.deletionDate = new Date(Date.now() + pendingWindowInDays * DAY_MS);
  await store.save();
  return {
    KeyId: key.arn,
    DeletionDate: epochSeconds(key.deletionDate),
    KeyState: key.state,
    PendingWindowInDays: pendingWindowInDays,
  };
};

const cancelKeyDeletion: OperationHandler = async (request, store) => {
  const key = store.getKey(requiredKeyIdentifier(request), { acceptAlias: false });
  if (key.state !== 'PendingDeletion') {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
  }
  // KMS leaves a key whose deletion was canceled disabled; it has to be enabled explicitly.
  key.state = 'Disabled';
  key.deletionDate = undefined;
  await store.save();
  return { KeyId: key.arn };
};

export const keyOperations: Readonly<Record<string, OperationHandler>> = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
  EnableKey: enableKey,
  DisableKey: disableKey,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
};
