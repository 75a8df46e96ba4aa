import { MessageType, SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import { KmsError } from './errors';
import { DIGEST_LENGTH, SIGNING_ALGORITHMS, signingAlgorithmsFor, type SupportedSigningAlgorithm } from './key-specs';
import { requireEnabled, type KeyStore, type KmsKey } from './keystore';
import type { OperationHandler, RequestBody } from './protocol';
import { optionalEnum, requiredBlob, requiredEnum, requiredKeyIdentifier } from './request-fields';
import { hashMessage, signDigest, verifyDigest } from './signing';

interface SigningRequest {
  key: KmsKey;
  algorithm: SupportedSigningAlgorithm;
  digest: Buffer;
}

/** The members Sign and Verify share, validated in the order KMS applies its checks. */
function readSigningRequest(request: RequestBody, store: KeyStore): SigningRequest {
  const keyIdentifier = requiredKeyIdentifier(request);
  const message = requiredBlob(request, 'Message', { min: 1, max: 4096 });
  const messageType = optionalEnum(request, 'MessageType', Object.values(MessageType)) ?? MessageType.RAW;
  const requestedAlgorithm = requiredEnum(request, 'SigningAlgorithm', Object.values(SigningAlgorithmSpec));

  const key = store.getKey(keyIdentifier);
  requireEnabled(key);
  const algorithm = signingAlgorithmsFor(key.keySpec).find((supported) => supported === requestedAlgorithm);
  if (algorithm === undefined) {
    throw new KmsError(
      'InvalidKeyUsageException',
      `Algorithm ${requestedAlgorithm} is incompatible with key spec ${key.keySpec}.`,
    );
  }

  switch (messageType) {
    case MessageType.RAW:
      return { key, algorithm, digest: hashMessage(algorithm, message) };
    case MessageType.DIGEST:
      if (message.length !== DIGEST_LENGTH[SIGNING_ALGORITHMS[algorithm].hash]) {
        throw new KmsError('ValidationException', `Digest is invalid length for algorithm ${algorithm}.`);
      }
      return { key, algorithm, digest: message };
    case MessageType.EXTERNAL_MU:
      throw new KmsError(
        'ValidationException',
        `MessageType EXTERNAL_MU is only valid for ML-DSA keys, not ${key.keySpec}.`,
      );
  }
}

const getPublicKey: OperationHandler = (request, store) => {
  const key = store.getKey(requiredKeyIdentifier(request));
  requireEnabled(key);
  return {
    KeyId: key.arn,
    PublicKey: key.keyPair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    KeyUsage: 'SIGN_VERIFY',
    SigningAlgorithms: signingAlgorithmsFor(key.keySpec),
  };
};

const sign: OperationHandler = (request, store) => {
  const { key, algorithm, digest } = readSigningRequest(request, store);
  return {
    KeyId: key.arn,
    Signature: signDigest(key.keyPair.privateKey, algorithm, digest).toString('base64'),
    SigningAlgorithm: algorithm,
  };
};

const verify: OperationHandler = (request, store) => {
  const signature = requiredBlob(request, 'Signature', { min: 1, max: 6144 });
  const { key, algorithm, digest } = readSigningRequest(request, store);
  if (!verifyDigest(key.keyPair.publicKey, algorithm, digest, signature)) {
    // KMS reports an invalid signature as this error rather than with SignatureValid: false.
    throw new KmsError('KMSInvalidSignatureException', 'The signature is not valid for the given message and key.');
  }
  return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: algorithm };
};

export const signingOperations: Readonly<Record<string, OperationHandler>> = {
  GetPublicKey: getPublicKey,
  Sign: sign,
  Verify: verify,
};
