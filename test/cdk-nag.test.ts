/**
 * cdk-nag's AwsSolutions pack, plugged in the way bin/patgate.ts does it: synthesis must pass with every
 * finding either fixed or acknowledged next to its construct, with a specific reason.
 * Bundling is skipped (`aws:cdk:bundling-stacks`): rules read the template, not the code.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { PatgateStack } from '../lib/patgate-stack';

let app: App;
let synthesisError: unknown;
let validationReport: { pluginReports: unknown[] } | undefined;

beforeAll(() => {
  const { context } = JSON.parse(readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8'));
  app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  new PatgateStack(app, 'Defaults');
  new PatgateStack(app, 'AllOptions', {
    signingKeys: [{ id: '2026-05' }, { id: '2026-11' }, { id: '2027-05' }],
    previousSigningKey: '2026-05',
    currentSigningKey: '2026-11',
    nextSigningKey: '2027-05',
    customDomain: {
      domainName: 'auth.example.com',
      certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/0b3a3c1e-1111-2222-3333-444455556666',
    },
    managementAccess: { accountIds: ['111122223333'], organizationId: 'o-abcdef1234' },
    alarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:patgate-alarms',
    createApiGatewayCloudWatchRole: false,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  // In-memory synthesis throws, with the report, when a validation plugin reports anything. CloudFormation's
  // own template validation runs too (CDK_VALIDATION is left on here, which makes this the slow part).
  try {
    const assembly = app.synth();
    validationReport = JSON.parse(readFileSync(path.join(assembly.directory, cxapi.VALIDATION_REPORT_FILE), 'utf8'));
  } catch (error) {
    synthesisError = error;
  }
}, 180_000);

interface Acknowledgment {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function acknowledgments(): Acknowledgment[] {
  return app.node.findAll().flatMap((construct: IConstruct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

it('passes synthesis with no unacknowledged finding, and nothing for CloudFormation to object to', () => {
  expect(synthesisError).toBeUndefined();
  expect(validationReport?.pluginReports).toEqual([]);
  // The same check, run directly, for a readable diff if it ever fails.
  expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
});

it('gives every acknowledgment a specific reason, narrowed to the finding where the rule has findings', () => {
  const acknowledged = acknowledgments();
  expect(acknowledged.length).toBeGreaterThan(0);
  for (const { id, reason } of acknowledged) {
    expect(id).toMatch(/^AwsSolutions-/);
    expect(reason.length).toBeGreaterThan(60);
    // IAM4 and IAM5 report one finding per policy or wildcard: acknowledge that finding, never the whole rule.
    if (/^AwsSolutions-IAM[45]/.test(id)) expect(id).toMatch(/\[.+\]$/);
  }
  expect([...new Set(acknowledged.map(({ id }) => id))].sort()).toEqual([
    'AwsSolutions-APIG4',
    'AwsSolutions-COG4',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    'AwsSolutions-IAM5[Resource::*]',
  ]);
});

it('acknowledges only what the rules actually find, where they find it', () => {
  // The same pack, blind to acknowledgments (isAcknowledged is private, hence the untyped assignment):
  // what it reports is what the acknowledgments hide.
  const blind = new AwsSolutionsChecks();
  Object.assign(blind as object, { isAcknowledged: () => false });
  const findings = blind
    .validateScope(app)
    .violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => ({ id: violation.ruleName, path: resource.constructPath! })),
    );
  const acknowledged = acknowledgments();
  const covering = (finding: { id: string; path: string }) =>
    acknowledged.find(({ id, path: ackPath }) => id === finding.id && `${finding.path}/`.startsWith(`${ackPath}/`));

  expect(findings.filter((finding) => !covering(finding))).toEqual([]);
  const used = new Set(findings.map(covering));
  expect(acknowledged.filter((acknowledgment) => !used.has(acknowledgment))).toEqual([]);
});

it('exempts only public OAuth and PAT self-service routes from authorization, and only function roles from the X-Ray wildcard', () => {
  const pathsOf = (id: string) =>
    acknowledgments()
      .filter((ack) => ack.id === id)
      .map((ack) => ack.path);
  const publicMethods = (stack: string) => [
    `${stack}/Patgate/Api/RestApi/Default/oidc/token/POST`,
    `${stack}/Patgate/Api/RestApi/Default/oidc/token/introspection/POST`,
    `${stack}/Patgate/Api/RestApi/Default/oidc/token/revocation/POST`,
    `${stack}/Patgate/Api/RestApi/Default/credentials/revoke/POST`,
    `${stack}/Patgate/Api/RestApi/Default/oidc/jwks/GET`,
    `${stack}/Patgate/Api/RestApi/Default/oidc/.well-known/openid-configuration/GET`,
    `${stack}/Patgate/Api/RestApi/Default/.well-known/oauth-authorization-server/GET`,
    `${stack}/Patgate/Api/RestApi/Default/me/personal-access-token/GET`,
    `${stack}/Patgate/Api/RestApi/Default/me/personal-access-token/DELETE`,
  ];
  expect(pathsOf('AwsSolutions-APIG4').sort()).toEqual(
    [...publicMethods('Defaults'), ...publicMethods('AllOptions')].sort(),
  );
  expect(pathsOf('AwsSolutions-IAM5[Resource::*]').sort()).toEqual(
    ['Defaults', 'AllOptions']
      .flatMap((stack) =>
        ['token', 'discovery', 'pats', 'admin', 'organizations', 'revocation', 'credentials', 'maintenance'].map(
          (name) => `${stack}/Patgate/Functions/${name}/Role`,
        ),
      )
      .sort(),
  );
});
