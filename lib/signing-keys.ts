/**
 * Asymmetric KMS keys that sign access tokens, and the aliases that give each key its role.
 *
 * Rotation swaps aliases, never key material: `alias/{prefix}/signing` names the key new tokens are signed
 * with; `-previous` and `-next` only publish their keys in the JWKS, so verifiers keep accepting tokens
 * signed before a swap and already know a key before it starts signing. The README's "Signing key rotation
 * (deployed stack)" section gives the procedure.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export type SigningKeySpec = kms.KeySpec.ECC_NIST_P256 | kms.KeySpec.RSA_2048;

export const signingKeySpecs: readonly SigningKeySpec[] = [kms.KeySpec.ECC_NIST_P256, kms.KeySpec.RSA_2048];

export interface SigningKeyDefinition {
  /** Stable name, such as `2026-11`. It is part of the key's logical ID: renaming it creates a new key. */
  readonly id: string;
  /** @default the `keySpec` of the stack */
  readonly keySpec?: SigningKeySpec;
}

/** Which key each alias points to, by key id. */
export interface SigningKeyRoles {
  /** Signs new tokens. */
  readonly current: string;
  /** Retired from signing; published until tokens it signed have expired. */
  readonly previous?: string;
  /** Published ahead of becoming current, so that caches hold it before the first token it signs. */
  readonly next?: string;
}

export interface SigningKeysProps extends SigningKeyRoles {
  /** Alias names are `alias/{aliasPrefix}/signing`, `-previous` and `-next`. */
  readonly aliasPrefix: string;
  readonly keys: readonly SigningKeyDefinition[];
  readonly defaultKeySpec: SigningKeySpec;
}

const roleSuffix = { current: '', previous: '-previous', next: '-next' } as const;
type Role = keyof typeof roleSuffix;
const roles = Object.keys(roleSuffix) as Role[];
const aliasConstructId: Record<Role, string> = {
  current: 'CurrentAlias',
  previous: 'PreviousAlias',
  next: 'NextAlias',
};

export class SigningKeys extends Construct {
  /** Every key in the stack, by id, including keys no alias points to. */
  readonly keys: ReadonlyMap<string, kms.Key>;
  /** The alias of the key that signs new tokens. */
  readonly currentAliasName: string;
  /** All three alias names, whether or not they point to a key today; the JWKS skips those that don't. */
  readonly publishedAliasNames: readonly string[];
  /** The keys the aliases point to: the ones handlers may use. */
  readonly publishedKeys: readonly kms.IKey[];

  constructor(scope: Construct, id: string, props: SigningKeysProps) {
    super(scope, id);
    validate(props);

    const aliasName = (role: Role) => `alias/${props.aliasPrefix}/signing${roleSuffix[role]}`;
    this.currentAliasName = aliasName('current');
    this.publishedAliasNames = roles.map(aliasName);

    this.keys = new Map(
      props.keys.map((definition) => {
        const keySpec = definition.keySpec ?? props.defaultKeySpec;
        const key = new kms.Key(this, definition.id, {
          description: `${props.aliasPrefix} access token signing key ${definition.id} (${keySpec})`,
          keySpec,
          keyUsage: kms.KeyUsage.SIGN_VERIFY,
          // Deleting a signing key would invalidate every token it signed: deletion is scheduled by hand.
          removalPolicy: RemovalPolicy.RETAIN,
        });
        return [definition.id, key];
      }),
    );

    const published: kms.IKey[] = [];
    for (const role of roles) {
      const keyId = props[role];
      if (keyId === undefined) continue;
      const key = this.keys.get(keyId);
      if (!key) throw new Error(`The ${role} signing key '${keyId}' is not in signingKeys`);
      new kms.Alias(this, aliasConstructId[role], { aliasName: aliasName(role), targetKey: key });
      published.push(key);
    }
    this.publishedKeys = published;
  }
}

const keyIdPattern = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

function validate(props: SigningKeysProps): void {
  const ids = props.keys.map((key) => key.id);
  for (const id of ids) {
    if (!keyIdPattern.test(id)) throw new Error(`Signing key id '${id}' must match ${keyIdPattern}`);
  }
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) throw new Error(`Signing key id '${duplicate}' is listed twice`);

  const assigned = roles.flatMap((role) => props[role] ?? []);
  if (new Set(assigned).size !== assigned.length) {
    throw new Error(`A signing key can hold only one of current, previous and next (got ${assigned.join(', ')})`);
  }
}
