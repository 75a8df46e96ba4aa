/**
 * PatgateStack settings from CDK context: `cdk.json` (where the rotation state belongs, under version
 * control) or `-c key=value` on the command line. Lists are JSON arrays in cdk.json, comma-separated on the
 * command line. The README's "Configuration" table (under "Deploy") lists the keys.
 */
import type { Node } from 'constructs';
import type { PatgateStackProps } from './patgate-stack';
import { signingKeySpecs, type SigningKeyDefinition, type SigningKeySpec } from './signing-keys';

export interface PatgateContext {
  readonly stackName: string;
  readonly props: PatgateStackProps;
}

export function readPatgateContext(node: Node): PatgateContext {
  const text = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`Context '${key}' must be a string`);
    return value;
  };
  const list = (key: string): unknown[] | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (typeof value === 'string') return commaSeparated(value);
    if (value === undefined || Array.isArray(value)) return value;
    throw new Error(`Context '${key}' must be a list`);
  };

  const domainName = text('domainName');
  const certificateArn = text('certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new Error("Context 'domainName' and 'certificateArn' go together");
  }
  const managementAccountIds = list('managementAccountIds')?.map(String);
  const managementOrgId = text('managementOrgId');

  return {
    stackName: text('stackName') ?? 'patgate',
    props: {
      serviceName: text('serviceName'),
      keySpec: keySpec(text('keySpec')),
      signingKeys: list('signingKeys')?.map(signingKey),
      currentSigningKey: text('currentSigningKey'),
      previousSigningKey: text('previousSigningKey'),
      nextSigningKey: text('nextSigningKey'),
      customDomain: domainName && certificateArn ? { domainName, certificateArn } : undefined,
      managementAccess:
        managementAccountIds || managementOrgId
          ? { accountIds: managementAccountIds, organizationId: managementOrgId }
          : undefined,
      alarmTopicArn: text('alarmTopicArn'),
    },
  };
}

function commaSeparated(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function keySpec(value: string | undefined): SigningKeySpec | undefined {
  if (value === undefined) return undefined;
  const spec = signingKeySpecs.find((candidate) => candidate === value);
  if (!spec) throw new Error(`Context 'keySpec' must be one of ${signingKeySpecs.join(', ')}, not '${value}'`);
  return spec;
}

/** A key is its id, or `{ "id": ..., "keySpec": ... }` in cdk.json. */
function signingKey(value: unknown): SigningKeyDefinition {
  if (typeof value === 'string') return { id: value };
  if (typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string') {
    return { id: value.id, keySpec: 'keySpec' in value ? keySpec(String(value.keySpec)) : undefined };
  }
  throw new Error(
    `Context 'signingKeys' entries are key ids or { "id": ..., "keySpec": ... }, not ${JSON.stringify(value)}`,
  );
}
