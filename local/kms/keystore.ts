/**
 * Keys and aliases of the emulated account, kept in memory and, when a data directory is given, mirrored to a
 * JSON state file (private keys included, as PKCS#8 PEM) that is replaced atomically on every change.
 */
import { createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyState } from '@aws-sdk/client-kms';
import { KmsError } from './errors';
import { aliasArn, keyArn, parseKeyReference, type AccountScope } from './identifiers';
import { isSupportedKeySpec, type SupportedKeySpec } from './key-specs';
import { generateKeyPair, type KeyPair } from './signing';

export type EmulatedKeyState = Extract<KeyState, 'Enabled' | 'Disabled' | 'PendingDeletion'>;

export interface KmsKey {
  readonly keyId: string;
  readonly arn: string;
  readonly keySpec: SupportedKeySpec;
  readonly description: string;
  readonly creationDate: Date;
  readonly keyPair: KeyPair;
  state: EmulatedKeyState;
  /** Set while the key is pending deletion. */
  deletionDate?: Date;
}

export interface KmsAlias {
  readonly aliasName: string;
  readonly arn: string;
  targetKeyId: string;
  readonly creationDate: Date;
  lastUpdatedDate: Date;
}

const STATE_FILE_NAME = 'kms-state.json';
const STATE_FILE_VERSION = 1;

interface StoredState {
  version: typeof STATE_FILE_VERSION;
  keys: StoredKey[];
  aliases: StoredAlias[];
}

interface StoredKey {
  keyId: string;
  keySpec: string;
  description: string;
  creationDate: string;
  state: EmulatedKeyState;
  deletionDate?: string;
  privateKeyPem: string;
}

interface StoredAlias {
  aliasName: string;
  targetKeyId: string;
  creationDate: string;
  lastUpdatedDate: string;
}

export class KeyStore {
  private readonly keys = new Map<string, KmsKey>();
  private readonly aliases = new Map<string, KmsAlias>();
  /** Writes are chained so they land in order; each one serializes the state as it is when it runs. */
  private pendingWrite: Promise<void> = Promise.resolve();

  private constructor(
    readonly scope: AccountScope,
    private readonly stateFile: string | undefined,
  ) {}

  static async open(scope: AccountScope, dataDir?: string): Promise<KeyStore> {
    if (dataDir === undefined) return new KeyStore(scope, undefined);
    await mkdir(dataDir, { recursive: true });
    const store = new KeyStore(scope, path.join(dataDir, STATE_FILE_NAME));
    await store.load();
    return store;
  }

  createKey(keySpec: SupportedKeySpec, description: string): KmsKey {
    const keyId = randomUUID();
    const key: KmsKey = {
      keyId,
      arn: keyArn(this.scope, keyId),
      keySpec,
      description,
      creationDate: new Date(),
      keyPair: generateKeyPair(keySpec),
      state: 'Enabled',
    };
    this.keys.set(keyId, key);
    return key;
  }

  /**
   * Resolves a key id, key ARN and, unless `acceptAlias` is false, an alias name or alias ARN. Operations that
   * manage the key itself (enable, disable, deletion, alias targets) only take the first two, as in KMS.
   */
  getKey(identifier: string, { acceptAlias = true }: { acceptAlias?: boolean } = {}): KmsKey {
    const reference = parseKeyReference(this.scope, identifier);
    if (reference.kind === 'key') return this.getKeyById(reference.keyId);
    if (!acceptAlias) throw new KmsError('NotFoundException', `Invalid keyId '${identifier}'`);
    return this.getKeyById(this.getAlias(reference.aliasName).targetKeyId);
  }

  listKeys(): KmsKey[] {
    return [...this.keys.values()];
  }

  /** Removes keys whose deletion date has passed, together with their aliases. */
  async deleteExpiredKeys(now: Date): Promise<void> {
    let deleted = false;
    for (const key of this.keys.values()) {
      if (key.deletionDate !== undefined && key.deletionDate <= now) {
        this.keys.delete(key.keyId);
        deleted = true;
      }
    }
    for (const alias of this.aliases.values()) {
      if (!this.keys.has(alias.targetKeyId)) this.aliases.delete(alias.aliasName);
    }
    if (deleted) await this.save();
  }

  findAlias(aliasName: string): KmsAlias | undefined {
    return this.aliases.get(aliasName);
  }

  getAlias(aliasName: string): KmsAlias {
    const alias = this.aliases.get(aliasName);
    if (alias === undefined) {
      throw new KmsError('NotFoundException', `Alias ${aliasArn(this.scope, aliasName)} is not found.`);
    }
    return alias;
  }

  createAlias(aliasName: string, targetKeyId: string): KmsAlias {
    const now = new Date();
    const alias: KmsAlias = {
      aliasName,
      arn: aliasArn(this.scope, aliasName),
      targetKeyId,
      creationDate: now,
      lastUpdatedDate: now,
    };
    this.aliases.set(aliasName, alias);
    return alias;
  }

  deleteAlias(aliasName: string): void {
    this.aliases.delete(aliasName);
  }

  listAliases(): KmsAlias[] {
    return [...this.aliases.values()];
  }

  /** Persists the current state (a no-op without a data directory); resolves once it is on disk. */
  save(): Promise<void> {
    const stateFile = this.stateFile;
    if (stateFile === undefined) return Promise.resolve();
    const write = this.pendingWrite.then(() => this.writeState(stateFile));
    // A failed write is reported to its caller but must not wedge the writes queued after it.
    this.pendingWrite = write.catch(() => undefined);
    return write;
  }

  /** Resolves when all writes started so far have finished. */
  flush(): Promise<void> {
    return this.pendingWrite;
  }

  private getKeyById(keyId: string): KmsKey {
    const key = this.keys.get(keyId);
    if (key === undefined) {
      throw new KmsError('NotFoundException', `Key '${keyArn(this.scope, keyId)}' does not exist`);
    }
    return key;
  }

  private async writeState(stateFile: string): Promise<void> {
    const state: StoredState = {
      version: STATE_FILE_VERSION,
      keys: this.listKeys().map((key) => ({
        keyId: key.keyId,
        keySpec: key.keySpec,
        description: key.description,
        creationDate: key.creationDate.toISOString(),
        state: key.state,
        deletionDate: key.deletionDate?.toISOString(),
        privateKeyPem: key.keyPair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      })),
      aliases: this.listAliases().map((alias) => ({
        aliasName: alias.aliasName,
        targetKeyId: alias.targetKeyId,
        creationDate: alias.creationDate.toISOString(),
        lastUpdatedDate: alias.lastUpdatedDate.toISOString(),
      })),
    };
    const temporaryFile = `${stateFile}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(temporaryFile, JSON.stringify(state, null, 2), { mode: 0o600 });
    await rename(temporaryFile, stateFile);
  }

  private async load(): Promise<void> {
    const stateFile = this.stateFile;
    if (stateFile === undefined) return;
    let contents: string;
    try {
      contents = await readFile(stateFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const state = JSON.parse(contents) as StoredState;
    if (state.version !== STATE_FILE_VERSION) {
      throw new Error(`${stateFile} has unsupported version ${String(state.version)}`);
    }
    for (const stored of state.keys) {
      if (!isSupportedKeySpec(stored.keySpec))
        throw new Error(`${stateFile} has a key with unsupported spec ${stored.keySpec}`);
      const privateKey = createPrivateKey(stored.privateKeyPem);
      this.keys.set(stored.keyId, {
        keyId: stored.keyId,
        arn: keyArn(this.scope, stored.keyId),
        keySpec: stored.keySpec,
        description: stored.description,
        creationDate: new Date(stored.creationDate),
        keyPair: { privateKey, publicKey: createPublicKey(privateKey) },
        state: stored.state,
        deletionDate: stored.deletionDate === undefined ? undefined : new Date(stored.deletionDate),
      });
    }
    for (const stored of state.aliases) {
      this.aliases.set(stored.aliasName, {
        aliasName: stored.aliasName,
        arn: aliasArn(this.scope, stored.aliasName),
        targetKeyId: stored.targetKeyId,
        creationDate: new Date(stored.creationDate),
        lastUpdatedDate: new Date(stored.lastUpdatedDate),
      });
    }
  }
}

/** Key states in which a key may be used for cryptographic operations (GetPublicKey, Sign, Verify). */
export function requireEnabled(key: KmsKey): void {
  if (key.state === 'Disabled') throw new KmsError('DisabledException', `${key.arn} is disabled.`);
  requireNotPendingDeletion(key);
}

export function requireNotPendingDeletion(key: KmsKey): void {
  if (key.state === 'PendingDeletion') {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
  }
}
