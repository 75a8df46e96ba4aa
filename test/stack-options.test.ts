/**
 * Construct props away from their defaults: key rotation, custom domain, restricted management access,
 * alarm notifications, limits. Bundling is skipped (`aws:cdk:bundling-stacks`): test/stack.test.ts covers it.
 */
import { handlerNames } from '../lambdas/routes';
import { App, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { readPatgateContext } from '../lib/context';
import { PatgateStack, type PatgateStackProps } from '../lib/patgate-stack';

process.env.CDK_VALIDATION = 'false';

const newApp = (context: Record<string, unknown> = {}) =>
  new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });

type Resource = { Properties: Record<string, any>; DeletionPolicy?: string };

function synth(props: PatgateStackProps) {
  const stack = new PatgateStack(newApp(), 'patgate', props);
  const template = Template.fromStack(stack);
  const resourcesOf = (type: string) => template.findResources(type) as Record<string, Resource>;
  const resolve = (value: unknown) => JSON.parse(JSON.stringify(stack.resolve(value)));
  const functionProps = (name: 'token' | 'discovery' | 'pats' | 'admin') =>
    resourcesOf('AWS::Lambda::Function')[
      stack.getLogicalId(stack.patgate.functions.get(name).node.defaultChild as never)
    ]!.Properties;
  /** The statement of a function's policy that grants `action`. */
  const statementFor = (name: 'token' | 'discovery', action: string) => {
    const roleId = stack.getLogicalId(stack.patgate.functions.get(name).role!.node.defaultChild as never);
    const policy = Object.values(resourcesOf('AWS::IAM::Policy')).find((candidate) =>
      JSON.stringify(candidate.Properties.Roles).includes(roleId),
    )!;
    return policy.Properties.PolicyDocument.Statement.find((statement: any) =>
      [statement.Action].flat().includes(action),
    );
  };
  return { stack, template, resourcesOf, resolve, functionProps, statementFor };
}

describe('signing key rotation', () => {
  let synthesized: ReturnType<typeof synth>;
  beforeAll(() => {
    synthesized = synth({
      keySpec: kms.KeySpec.RSA_2048,
      signingKeys: [
        { id: '2025-11' },
        { id: '2026-05' },
        { id: '2026-11' },
        { id: '2027-05', keySpec: kms.KeySpec.ECC_NIST_P256 },
      ],
      previousSigningKey: '2026-05',
      currentSigningKey: '2026-11',
      nextSigningKey: '2027-05',
    });
  });
  const keyArn = (id: string) => synthesized.resolve(synthesized.stack.patgate.signingKeys.keys.get(id)!.keyArn);

  it('keeps every listed key, with its key spec, retained', () => {
    const keys = Object.values(synthesized.resourcesOf('AWS::KMS::Key'));
    expect(keys.map((key) => [key.Properties.KeySpec, key.Properties.KeyUsage, key.DeletionPolicy])).toEqual([
      ['RSA_2048', 'SIGN_VERIFY', 'Retain'],
      ['RSA_2048', 'SIGN_VERIFY', 'Retain'],
      ['RSA_2048', 'SIGN_VERIFY', 'Retain'],
      ['ECC_NIST_P256', 'SIGN_VERIFY', 'Retain'],
    ]);
  });

  it('points the current, previous and next aliases at their keys', () => {
    const aliases = Object.values(synthesized.resourcesOf('AWS::KMS::Alias')).map((alias) => alias.Properties);
    expect(aliases).toEqual([
      { AliasName: 'alias/patgate/signing', TargetKeyId: keyArn('2026-11') },
      { AliasName: 'alias/patgate/signing-previous', TargetKeyId: keyArn('2026-05') },
      { AliasName: 'alias/patgate/signing-next', TargetKeyId: keyArn('2027-05') },
    ]);
    expect(synthesized.functionProps('discovery').Environment.Variables).toMatchObject({
      SIGNING_KEY_ALIAS: 'alias/patgate/signing',
      PUBLISHED_KEY_ALIASES: 'alias/patgate/signing,alias/patgate/signing-previous,alias/patgate/signing-next',
    });
  });

  it('lets the functions use the aliased keys only, not the retired one', () => {
    const published = [keyArn('2026-11'), keyArn('2026-05'), keyArn('2027-05')];
    expect(synthesized.statementFor('token', 'kms:Sign').Resource).toEqual(published);
    expect(synthesized.statementFor('discovery', 'kms:GetPublicKey').Resource).toEqual(published);
    expect(JSON.stringify(synthesized.template.findResources('AWS::IAM::Policy'))).not.toContain(
      JSON.stringify(keyArn('2025-11')),
    );
  });

  it('rejects key lists that contradict themselves', () => {
    const attempt = (props: PatgateStackProps) => () => new PatgateStack(newApp(), 'patgate', props);
    const keys = [{ id: 'a' }, { id: 'b' }];
    expect(attempt({ signingKeys: keys })).toThrow('currentSigningKey is required');
    expect(attempt({ signingKeys: keys, currentSigningKey: 'c' })).toThrow(
      "The current signing key 'c' is not in signingKeys",
    );
    expect(attempt({ signingKeys: keys, currentSigningKey: 'a', nextSigningKey: 'a' })).toThrow('only one of current');
    expect(attempt({ signingKeys: [{ id: 'a' }, { id: 'a' }], currentSigningKey: 'a' })).toThrow('listed twice');
    expect(attempt({ signingKeys: [{ id: 'a/b' }] })).toThrow("Signing key id 'a/b'");
  });
});

describe('every option set', () => {
  let synthesized: ReturnType<typeof synth>;
  const topicArn = 'arn:aws:sns:eu-west-1:111122223333:patgate-alarms';
  const certificateArn = 'arn:aws:acm:eu-west-1:111122223333:certificate/0b3a3c1e-1111-2222-3333-444455556666';
  beforeAll(() => {
    synthesized = synth({
      serviceName: 'patgate-test',
      stageName: 'v1',
      customDomain: { domainName: 'auth.example.com', certificateArn },
      managementAccess: { accountIds: ['111122223333', '444455556666'], organizationId: 'o-abcdef1234' },
      alarmTopicArn: topicArn,
      throttling: { rateLimit: 20, burstLimit: 40 },
      waf: { tokenRequestsPerIp: 50, rateLimitWindowSeconds: 60 },
      memorySize: { token: 1024 },
      defaultAccessTokenTtl: Duration.minutes(15),
      patPolicy: {
        requireExpiry: true,
        defaultLifetime: Duration.days(30),
        maxLifetime: Duration.days(90),
        maxPerUser: 10,
        revokeUnusedAfter: Duration.days(60),
        maxRotationGrace: Duration.minutes(10),
      },
      createApiGatewayCloudWatchRole: false,
      failedTokenExchangeAlarmThreshold: 10,
      metricsNamespace: 'PatgateTest',
    });
  });

  it('issues tokens under the custom domain, served with TLS 1.2 or later', () => {
    const { Variables } = synthesized.functionProps('token').Environment;
    expect(Variables.ISSUER).toBe('https://auth.example.com/oidc');
    synthesized.template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'auth.example.com',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      RegionalCertificateArn: certificateArn,
      SecurityPolicy: 'TLS_1_2',
    });
    synthesized.template.resourceCountIs('AWS::ApiGateway::BasePathMapping', 1);
    const outputs = synthesized.template.toJSON().Outputs;
    expect(outputs.Issuer.Value).toBe('https://auth.example.com/oidc');
    expect(outputs.ManagementApiUrl.Value).toBe('https://auth.example.com/api');
    expect(outputs.CustomDomainTarget.Value).toEqual({
      'Fn::GetAtt': [expect.stringContaining('CustomDomain'), 'RegionalDomainName'],
    });
  });

  it('opens the public routes, and the management API to the listed accounts and organization only', () => {
    const { Policy } = Object.values(synthesized.resourcesOf('AWS::ApiGateway::RestApi'))[0]!.Properties;
    const invoke = { Action: 'execute-api:Invoke' };
    const accountRoot = (account: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]],
    });
    expect(Policy.Statement).toEqual([
      {
        ...invoke,
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Resource: [
          'execute-api:/*/POST/oidc/token',
          'execute-api:/*/POST/oidc/token/introspection',
          'execute-api:/*/POST/oidc/token/revocation',
          'execute-api:/*/POST/credentials/revoke',
          'execute-api:/*/GET/oidc/jwks',
          'execute-api:/*/GET/oidc/.well-known/openid-configuration',
          'execute-api:/*/GET/.well-known/oauth-authorization-server',
          'execute-api:/*/GET/me/personal-access-token',
          'execute-api:/*/DELETE/me/personal-access-token',
        ],
      },
      {
        ...invoke,
        Effect: 'Allow',
        Principal: { AWS: [accountRoot('111122223333'), accountRoot('444455556666')] },
        Resource: 'execute-api:/*/*/api/*',
      },
      {
        ...invoke,
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Resource: 'execute-api:/*/*/api/*',
        // Principals of the stack's own account keep needing an identity policy.
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': 'o-abcdef1234' },
          StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } },
        },
      },
      {
        ...invoke,
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: 'execute-api:/*/*/api/*',
        Condition: {
          StringNotEquals: {
            'aws:PrincipalAccount': ['111122223333', '444455556666'],
            'aws:PrincipalOrgID': 'o-abcdef1234',
          },
        },
      },
    ]);
  });

  it('never allows the management API to everyone in the own account', () => {
    const only = (access: PatgateStackProps['managementAccess']) => {
      const stack = new PatgateStack(newApp(), 'patgate', { managementAccess: access });
      return Template.fromStack(stack).toJSON().Resources;
    };
    for (const resources of [only({ accountIds: ['111122223333'] }), only({ organizationId: 'o-abcdef1234' })]) {
      const api = Object.values(resources as Record<string, Resource & { Type: string }>).find(
        (resource) => resource.Type === 'AWS::ApiGateway::RestApi',
      )!;
      const openManagement = api.Properties.Policy.Statement.filter(
        (statement: any) =>
          statement.Effect === 'Allow' &&
          statement.Resource === 'execute-api:/*/*/api/*' &&
          JSON.stringify(statement.Principal) === '{"AWS":"*"}' &&
          !statement.Condition?.StringNotEquals?.['aws:PrincipalAccount'],
      );
      expect(openManagement).toEqual([]);
    }
  });

  it('notifies the topic when an alarm fires and when it clears', () => {
    const alarms = Object.values(synthesized.resourcesOf('AWS::CloudWatch::Alarm'));
    // Errors and throttles of each function (the route table's and maintenance), and the six service-wide alarms.
    expect(alarms).toHaveLength(2 * (handlerNames.length + 1) + 6);
    for (const { Properties: alarm } of alarms) {
      expect(alarm).toMatchObject({ AlarmActions: [topicArn], OKActions: [topicArn] });
      expect(alarm.AlarmName).toMatch(/^patgate-test-/);
    }
    const failedExchanges = alarms.find((alarm) => alarm.Properties.AlarmName === 'patgate-test-FailedTokenExchanges')!;
    expect(failedExchanges.Properties).toMatchObject({
      Namespace: 'PatgateTest',
      Dimensions: [{ Name: 'service', Value: 'patgate-test' }],
      Threshold: 10,
    });
  });

  it('applies the limits', () => {
    synthesized.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: [{ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }],
    });
    const [rateRule] = Object.values(synthesized.resourcesOf('AWS::WAFv2::WebACL'))[0]!.Properties.Rules;
    expect(rateRule.Statement.RateBasedStatement).toMatchObject({ Limit: 50, EvaluationWindowSec: 60 });
    expect(synthesized.functionProps('token').MemorySize).toBe(1024);
    expect(synthesized.functionProps('pats').MemorySize).toBe(256);
    expect(synthesized.functionProps('token').Environment.Variables).toMatchObject({
      DEFAULT_ACCESS_TOKEN_TTL_SECONDS: '900',
      PAT_REQUIRE_EXPIRY: 'true',
      PAT_DEFAULT_LIFETIME_SECONDS: String(30 * 86400),
      PAT_MAX_LIFETIME_SECONDS: String(90 * 86400),
      PAT_MAX_PER_USER: '10',
      PAT_REVOKE_UNUSED_AFTER_SECONDS: String(60 * 86400),
      PAT_MAX_ROTATION_GRACE_SECONDS: '600',
      POWERTOOLS_SERVICE_NAME: 'patgate-test',
      POWERTOOLS_METRICS_NAMESPACE: 'PatgateTest',
      SIGNING_KEY_ALIAS: 'alias/patgate-test/signing',
    });
  });

  it('leaves the account-wide API Gateway logging role alone when told to', () => {
    synthesized.template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('rejects invalid settings', () => {
    const attempt = (props: PatgateStackProps) => () => new PatgateStack(newApp(), 'patgate', props);
    expect(attempt({ managementAccess: {} })).toThrow('needs accountIds or an organizationId');
    expect(attempt({ managementAccess: { accountIds: ['1234'] } })).toThrow('12-digit');
    expect(attempt({ managementAccess: { organizationId: 'org-1' } })).toThrow('AWS Organizations ID');
    expect(attempt({ serviceName: 'pat gate' })).toThrow("serviceName 'pat gate'");
    expect(attempt({ waf: { tokenRequestsPerIp: 5 } })).toThrow('start at 10');
  });
});

describe('CDK context', () => {
  it('is optional', () => {
    expect(readPatgateContext(newApp().node)).toEqual({
      stackName: 'patgate',
      props: expect.objectContaining({ keySpec: undefined, signingKeys: undefined, customDomain: undefined }),
    });
  });

  it('reads command-line strings', () => {
    const { stackName, props } = readPatgateContext(
      newApp({
        stackName: 'PatgateStaging',
        keySpec: 'RSA_2048',
        signingKeys: '2026-05, 2026-11',
        currentSigningKey: '2026-11',
        previousSigningKey: '2026-05',
        domainName: 'auth.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc',
        managementAccountIds: '111122223333,444455556666',
        alarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:alarms',
      }).node,
    );
    expect(stackName).toBe('PatgateStaging');
    expect(props).toMatchObject({
      keySpec: kms.KeySpec.RSA_2048,
      signingKeys: [{ id: '2026-05' }, { id: '2026-11' }],
      currentSigningKey: '2026-11',
      previousSigningKey: '2026-05',
      customDomain: {
        domainName: 'auth.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc',
      },
      managementAccess: { accountIds: ['111122223333', '444455556666'] },
      alarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:alarms',
    });
  });

  it('reads cdk.json lists and key objects', () => {
    const { props } = readPatgateContext(
      newApp({
        signingKeys: ['2026-05', { id: '2026-11', keySpec: 'ECC_NIST_P256' }],
        managementOrgId: 'o-abcdef1234',
      }).node,
    );
    expect(props.signingKeys).toEqual([{ id: '2026-05' }, { id: '2026-11', keySpec: kms.KeySpec.ECC_NIST_P256 }]);
    expect(props.managementAccess).toEqual({ accountIds: undefined, organizationId: 'o-abcdef1234' });
  });

  it('rejects what it cannot use', () => {
    const read = (context: Record<string, unknown>) => () => readPatgateContext(newApp(context).node);
    expect(read({ keySpec: 'RSA_4096' })).toThrow("'keySpec' must be one of");
    expect(read({ domainName: 'auth.example.com' })).toThrow('go together');
    expect(read({ signingKeys: [42] })).toThrow("'signingKeys' entries");
  });
});
