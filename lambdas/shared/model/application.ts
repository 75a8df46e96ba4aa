import type { PatPolicyOverride } from './pat-policy';

/** Applications: the OAuth clients that may call the token endpoint. */
export const applicationTypes = ['Traditional', 'MachineToMachine', 'SPA', 'Native'] as const;
export type ApplicationType = (typeof applicationTypes)[number];

/** Confidential clients authenticate with a secret; public ones (SPA, Native) by client_id alone. */
export const isConfidential = (type: ApplicationType) => type === 'Traditional' || type === 'MachineToMachine';

export interface Application {
  id: string;
  name: string;
  description: string | null;
  type: ApplicationType;
  /** SHA-256 of the client secret; null for public clients. */
  secretHash: string | null;
  allowTokenExchange: boolean;
  /** Tightens the deployment's PAT policy for exchanges by this client (see pat-policy.ts); null: none. */
  patPolicy?: PatPolicyOverride | null;
  createdAt: number;
}
