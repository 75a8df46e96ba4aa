/**
 * The default stack, synthesized once with real bundling, checked property by property.
 * No AWS account is involved: everything here is read off the synthesized template and assets.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { build } from 'esbuild';
import { App, Stack, type CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { handlerNames, routes, type HandlerName } from '../lambdas/routes';
import type { FunctionName } from '../lib/functions';
import { bundleFile, filesBesideBundle, unusedInLambda } from '../lib/bundling';
import { PatgateStack } from '../lib/patgate-stack';
import { node24, node24Runs } from './support/node24';

process.env.CDK_VALIDATION = 'false';

type Resource = {
  Properties: Record<string, any>;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

let app: App;
let stack: PatgateStack;
let template: Template;

beforeAll(() => {
  // The same feature flags as `cdk synth`.
  const { context } = JSON.parse(readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8'));
  app = new App({ context });
  // CDK announces each asset it bundles (as the stack is built) on stderr: useful in `cdk synth`, noise here.
  const announcements = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    stack = new PatgateStack(app, 'patgate');
  } finally {
    announcements.mockRestore();
  }
  template = Template.fromStack(stack);
}, 120_000);

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);
const fn = (name: FunctionName) => stack.patgate.functions.get(name);
// Through JSON, so that resolved values compare equal to template values.
const resolve = (value: unknown) => JSON.parse(JSON.stringify(stack.resolve(value)));
const resourcesOf = (type: string) => template.findResources(type) as Record<string, Resource>;
const only = <T>(items: Record<string, T>): T => {
  const values = Object.values(items);
  expect(values).toHaveLength(1);
  return values[0]!;
};

/** Methods keyed `METHOD /path`, the path rebuilt from the Resource chain. */
function methodsByRoute(): Map<string, Resource['Properties']> {
  const resources = resourcesOf('AWS::ApiGateway::Resource');
  const pathOf = (ref: { Ref?: string }): string => {
    const resource = ref.Ref === undefined ? undefined : resources[ref.Ref];
    return resource ? `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}` : '';
  };
  return new Map(
    Object.values(resourcesOf('AWS::ApiGateway::Method')).map(({ Properties: method }) => [
      `${method.HttpMethod} ${pathOf(method.ResourceId)}`,
      method,
    ]),
  );
}

/** What a bundle imports at run time: esbuild parses it and reports every import instead of resolving it. */
async function importsOf(file: string): Promise<string[]> {
  const imported = new Set<string>();
  await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    plugins: [
      {
        name: 'record-imports',
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === 'entry-point') return undefined;
            imported.add(args.path);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return [...imported];
}

/** The variables the stack gives the token function, with placeholder values for tokens. */
function handlerEnvironment(): Record<string, string> {
  const { Variables } = resourcesOf('AWS::Lambda::Function')[logicalId(fn('token'))]!.Properties.Environment;
  const placeholders = { TABLE_NAME: 'patgate', ISSUER: 'https://patgate.example/oidc' };
  return { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', ...Variables, ...placeholders };
}

describe('REST API built from the route table', () => {
  it('has exactly one method per route', () => {
    expect([...methodsByRoute().keys()].sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it("names every method's operation as the route table does: the handlers dispatch on it", () => {
    const methods = methodsByRoute();
    for (const route of routes) {
      expect(methods.get(`${route.method} ${route.path}`)?.OperationName).toBe(route.operation);
    }
  });

  it('requires IAM auth on every management route and none on the public ones', () => {
    const methods = methodsByRoute();
    for (const route of routes) {
      const method = methods.get(`${route.method} ${route.path}`);
      expect({ route: route.operation, auth: method?.AuthorizationType }).toEqual({
        route: route.operation,
        auth: route.auth === 'iam' ? 'AWS_IAM' : 'NONE',
      });
    }
    // A new public route is a security decision: it has to show up here, and in review.
    expect(routes.filter((route) => route.auth === 'none').map((route) => route.path)).toEqual([
      '/oidc/token',
      '/oidc/token/introspection',
      '/oidc/token/revocation',
      '/credentials/revoke',
      '/oidc/jwks',
      '/oidc/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
      // Self-service: authenticated by the PAT in Authorization: Bearer, rate-limited by WAF with /oidc/token.
      '/me/personal-access-token',
      '/me/personal-access-token',
    ]);
  });

  it("proxies each route to its handler's function", () => {
    const methods = methodsByRoute();
    for (const route of routes) {
      const integration = methods.get(`${route.method} ${route.path}`)?.Integration;
      expect(integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(JSON.stringify(integration.Uri)).toContain(`"Fn::GetAtt":["${logicalId(fn(route.handler))}","Arn"]`);
    }
  });

  it('validates requests and declares path parameters as required', () => {
    template.resourceCountIs('AWS::ApiGateway::RequestValidator', 1);
    const [validatorId, validator] = Object.entries(resourcesOf('AWS::ApiGateway::RequestValidator'))[0]!;
    expect(validator.Properties).toMatchObject({ ValidateRequestBody: true, ValidateRequestParameters: true });
    const methods = methodsByRoute();
    const tokens = methods.get('POST /api/users/{userId}/personal-access-tokens')!;
    expect(tokens.RequestValidatorId).toEqual({ Ref: validatorId });
    expect(tokens.RequestParameters).toEqual({ 'method.request.path.userId': true });
    expect(methods.get('DELETE /api/users/{userId}/personal-access-tokens/{name}')!.RequestParameters).toEqual({
      'method.request.path.userId': true,
      'method.request.path.name': true,
    });
  });

  it('is regional, with no resource policy: only principals of its own account pass IAM auth', () => {
    const api = only(resourcesOf('AWS::ApiGateway::RestApi'));
    expect(api.Properties.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
    expect(api.Properties.Policy).toBeUndefined();
  });

  it('lets API Gateway invoke functions only through their routes, not console test invocations', () => {
    const sourceArns = Object.values(resourcesOf('AWS::Lambda::Permission'))
      .filter((permission) => permission.Properties.Principal === 'apigateway.amazonaws.com')
      .map((permission) => JSON.stringify(permission.Properties.SourceArn));
    expect(sourceArns).toHaveLength(routes.length);
    for (const arn of sourceArns) expect(arn).not.toContain('test-invoke-stage');
  });
});

describe('stage', () => {
  const stage = () => only(resourcesOf('AWS::ApiGateway::Stage'));

  it('traces with X-Ray, logs errors but never bodies, and throttles', () => {
    expect(stage().Properties).toMatchObject({
      StageName: 'prod',
      TracingEnabled: true,
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
          ThrottlingRateLimit: 100,
          ThrottlingBurstLimit: 200,
        },
      ],
    });
  });

  it('writes JSON access logs, naming the IAM caller, to a log group with retention', () => {
    const { AccessLogSetting } = stage().Properties;
    const format = JSON.parse(AccessLogSetting.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      userArn: '$context.identity.userArn',
      status: '$context.status',
      integrationError: '$context.integrationErrorMessage',
      wafResponseCode: '$context.wafResponseCode',
    });
    // The log group's ARN without the ":*" of its Arn attribute (cdk.json's
    // @aws-cdk/aws-apigateway:logGroupDestinationArnWithoutWildcard): built from its name.
    const arnParts = AccessLogSetting.DestinationArn['Fn::Join'][1] as unknown[];
    expect(arnParts.filter((part) => typeof part === 'string').join('')).toMatch(/^arn:.*:logs:.*:log-group:$/);
    const logGroupId = (arnParts.at(-1) as { Ref: string }).Ref;
    expect(resourcesOf('AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays).toBe(365);
  });

  it('creates the execution log group, with retention, before the stage can write to it', () => {
    const [id, executionLogs] = Object.entries(resourcesOf('AWS::Logs::LogGroup')).find(([, group]) =>
      JSON.stringify(group.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'),
    )!;
    expect(executionLogs.Properties.RetentionInDays).toBe(365);
    expect(stage().DependsOn).toContain(id);
  });

  it("sets the region's API Gateway logging role, and keeps it when the stack goes", () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    const roleId = only(resourcesOf('AWS::ApiGateway::Account')).Properties.CloudWatchRoleArn['Fn::GetAtt'][0];
    expect(resourcesOf('AWS::IAM::Role')[roleId]).toMatchObject({ DeletionPolicy: 'Retain' });
  });
});

describe('functions', () => {
  it('has one function per handler in the route table, the maintenance function, and the deploy trigger', () => {
    expect(handlerNames).toEqual(['token', 'revocation', 'credentials', 'discovery', 'pats', 'admin', 'organizations']);
    expect([...stack.patgate.functions.all.keys()]).toEqual([...handlerNames, 'maintenance']);
    // CDK's trigger provider runs the maintenance function once per deployment that changes it.
    template.resourceCountIs('AWS::Lambda::Function', handlerNames.length + 2);
  });

  it('runs maintenance every 5 minutes and once on deploy, before the route handlers are updated', () => {
    const maintenance = resolve(fn('maintenance').functionArn);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: maintenance })],
    });
    const [triggerId] = Object.keys(resourcesOf('Custom::Trigger'));
    expect(triggerId).toBeDefined();
    for (const name of handlerNames) {
      const id = stack.resolve((fn(name).node.defaultChild as CfnResource).logicalId);
      expect(resourcesOf('AWS::Lambda::Function')[id]!.DependsOn).toEqual(expect.arrayContaining([triggerId]));
    }
  });

  it.each(handlerNames)('%s runs Node.js 24 on arm64 with active tracing and a 10 s timeout', (name) => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: `patgate ${name} handler`,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 10,
      MemorySize: name === 'token' ? 512 : 256,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', LogGroup: { Ref: Match.anyValue() } },
    });
  });

  it.each(handlerNames)('%s logs to its own log group, kept for a year', (name) => {
    const { LoggingConfig } = resourcesOf('AWS::Lambda::Function')[logicalId(fn(name))]!.Properties;
    expect(resourcesOf('AWS::Logs::LogGroup')[LoggingConfig.LogGroup.Ref]).toMatchObject({
      Properties: { RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
  });

  it('gets the environment lambdas/shared/config.ts reads', () => {
    const { Variables } = resourcesOf('AWS::Lambda::Function')[logicalId(fn('token'))]!.Properties.Environment;
    expect(Object.keys(Variables).sort()).toEqual(
      [
        'TABLE_NAME',
        'ISSUER',
        'SIGNING_KEY_ALIAS',
        'PUBLISHED_KEY_ALIASES',
        'KEY_CACHE_TTL_SECONDS',
        'CLIENT_CACHE_TTL_SECONDS',
        'DEFAULT_ACCESS_TOKEN_TTL_SECONDS',
        'AUDIT_RETENTION_SECONDS',
        'POWERTOOLS_SERVICE_NAME',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_LOG_LEVEL',
        'NODE_OPTIONS',
      ].sort(),
    );
    expect(Variables).toMatchObject({
      TABLE_NAME: resolve(stack.patgate.table.tableName),
      SIGNING_KEY_ALIAS: 'alias/patgate/signing',
      PUBLISHED_KEY_ALIASES: 'alias/patgate/signing,alias/patgate/signing-previous,alias/patgate/signing-next',
      KEY_CACHE_TTL_SECONDS: '300',
      CLIENT_CACHE_TTL_SECONDS: '30',
      DEFAULT_ACCESS_TOKEN_TTL_SECONDS: '3600',
      POWERTOOLS_SERVICE_NAME: 'patgate',
      POWERTOOLS_METRICS_NAMESPACE: 'Patgate',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('derives the issuer from the API id, not its deployment, so that nothing depends in a cycle', () => {
    const { ISSUER } = resourcesOf('AWS::Lambda::Function')[logicalId(fn('token'))]!.Properties.Environment.Variables;
    expect(ISSUER).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: logicalId(stack.patgate.api.restApi) },
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/prod/oidc',
        ],
      ],
    });
  });

  describe.each([...handlerNames, 'maintenance'] as const)('%s bundle', (name) => {
    const assetFiles = () => {
      const { S3Key } = resourcesOf('AWS::Lambda::Function')[logicalId(fn(name))]!.Properties.Code;
      const directory = path.join(app.outdir, `asset.${String(S3Key).replace(/\.zip$/, '')}`);
      return { directory, files: readdirSync(directory).sort() };
    };

    it('is one minified CommonJS module with its source map, and the files it reads at run time', () => {
      const { directory, files } = assetFiles();
      const beside = filesBesideBundle[name] ?? [];
      expect(files).toEqual([bundleFile, `${bundleFile}.map`, ...beside.map((file) => file.target)].sort());
      for (const { source, target } of beside) {
        expect(readFileSync(path.join(directory, target), 'utf8')).toBe(
          readFileSync(path.join(__dirname, '..', source), 'utf8'),
        );
      }
      const code = readFileSync(path.join(directory, bundleFile), 'utf8');
      // A CommonJS module (see lib/bundling.ts): built-ins are `require`d, not imported.
      expect(code).toContain('module.exports=');
      expect(code).toMatch(/\/\/# sourceMappingURL=index\.js\.map\s*$/);
    });

    it('imports nothing but Node.js built-ins and credential providers Lambda never loads: the rest is bundled', async () => {
      const imported = await importsOf(path.join(assetFiles().directory, bundleFile));
      expect(imported.length).toBeGreaterThan(0);
      const builtins = new Set(builtinModules);
      const unused = (specifier: string) =>
        unusedInLambda.some((pattern) => specifier === pattern || specifier.startsWith(pattern.replace(/\*$/, '')));
      expect(
        imported.filter((specifier) => !builtins.has(specifier.replace(/^node:/, '')) && !unused(specifier)),
      ).toEqual([]);
    });

    const onNode24 = node24Runs ? it : it.skip;
    onNode24(
      `loads on Node.js 24 (Lambda's runtime)${node24Runs ? '' : ': needs linux-x64'} and exports the handler`,
      () => {
        const entry = path.join(assetFiles().directory, bundleFile);
        const exported = execFileSync(
          node24,
          // As Lambda's runtime loads a CommonJS handler.
          ['-e', `console.log(typeof require(${JSON.stringify(entry)}).handler)`],
          // Fake credentials and an unreachable endpoint: module initialisation may start AWS calls, which fail fast.
          {
            env: {
              ...handlerEnvironment(),
              AWS_ACCESS_KEY_ID: 'test',
              AWS_SECRET_ACCESS_KEY: 'test',
              AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
            },
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
          },
        );
        expect(exported.trim()).toBe('function');
      },
    );

    if (name === 'admin') {
      onNode24('serves the OpenAPI document from the file beside the bundle, as in Lambda', () => {
        const { directory } = assetFiles();
        const entry = path.join(directory, bundleFile);
        const event = {
          httpMethod: 'GET',
          resource: '/api/openapi.json',
          path: '/api/openapi.json',
          headers: {},
          requestContext: {
            requestId: 'stack-test',
            operationName: 'getOpenApiDocument',
            identity: { sourceIp: '127.0.0.1', userArn: 'arn:test' },
          },
        };
        const answered = execFileSync(
          node24,
          [
            '-e',
            `const { handler } = require(${JSON.stringify(entry)});
             handler(${JSON.stringify(event)}, { awsRequestId: 'stack-test', getRemainingTimeInMillis: () => 10000 })
               .then((response) => console.log(JSON.stringify(response)));`,
          ],
          {
            env: {
              ...handlerEnvironment(),
              LAMBDA_TASK_ROOT: directory,
              AWS_REGION: 'us-east-1',
              AWS_ACCESS_KEY_ID: 'test',
              AWS_SECRET_ACCESS_KEY: 'test',
              AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
              POWERTOOLS_LOG_LEVEL: 'SILENT',
              POWERTOOLS_METRICS_DISABLED: 'true',
            },
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        const response = JSON.parse(answered.trim().split('\n').pop()!);
        expect(response.statusCode).toBe(200);
        const served = JSON.parse(response.body);
        const generated = JSON.parse(readFileSync(path.join(__dirname, '..', 'docs', 'openapi.json'), 'utf8'));
        expect(served.paths).toEqual(generated.paths);
        expect(served.servers).toHaveLength(1);
      });
    }
  });
});

describe('least privilege', () => {
  const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

  /** Every (action, resource, condition) a role is granted, whichever way CDK merged the statements. */
  function grants(role: iam.IRole): string[] {
    const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
    }) as Record<string, Resource>;
    return Object.values(policies)
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .flatMap((statement: any) =>
        asList(statement.Action).flatMap((action) =>
          asList(statement.Resource).map((resource) =>
            grant(statement.Effect, action as string, resource, statement.Condition),
          ),
        ),
      )
      .sort();
  }
  const grant = (effect: string, action: string, resource: unknown, condition?: unknown) =>
    JSON.stringify({ effect, action, resource, condition: condition ?? null });

  const allow = (actions: string[], resources: unknown[], condition?: unknown) =>
    actions.flatMap((action) => resources.map((resource) => grant('Allow', action, resource, condition)));
  const leadingKeys = (...prefixes: string[]) => ({
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes },
  });
  const table = () => resolve(stack.patgate.table.tableArn);
  const keys = () => stack.patgate.signingKeys.publishedKeys.map((key) => resolve(key.keyArn));
  const baseline = (name: FunctionName) => [
    ...allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [resolve(fn(name).logGroup.logGroupArn)]),
    ...allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*']),
  ];
  const expectGrants = (name: FunctionName, expected: string[]) =>
    expect(grants(fn(name).role!)).toEqual([...baseline(name), ...expected].sort());

  const indexPartitions = (...partitions: string[]) => ({
    'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': partitions },
  });
  const index = () => ({ 'Fn::Join': ['', [table(), '/index/gsi1']] });

  it("token: reads PAT hashes, their owners and owners' roles or memberships and organizations, applications, resource indicators and roles, stamps last use, revokes on reuse, signs", () => {
    expectGrants('token', [
      ...allow(['dynamodb:GetItem'], [table()], leadingKeys('PATHASH#*', 'USER#*', 'APP#*', 'RESIND#*')),
      ...allow(
        ['dynamodb:BatchGetItem'],
        [table()],
        leadingKeys('PATHASH#*', 'APP#*', 'RESIND#*', 'USER#*', 'USERROLES#*', 'ORGMEMBER#*', 'ORG#*'),
      ),
      ...allow(['dynamodb:Query'], [index()], indexPartitions('ROLE', 'ORGROLE', 'ORGSCOPE')),
      ...allow(['dynamodb:UpdateItem'], [table()], leadingKeys('USER#*', 'PATHASH#*')),
      ...allow(['dynamodb:DeleteItem'], [table()], leadingKeys('PATHASH#*', 'PATID#*')),
      ...allow(['dynamodb:PutItem'], [table()], leadingKeys('AUDIT#*')),
      ...allow(['kms:Sign', 'kms:GetPublicKey'], keys()),
    ]);
  });

  it('discovery: reads public keys, and no table', () => {
    expectGrants('discovery', allow(['kms:GetPublicKey'], keys()));
  });

  it('pats: reads user items, writes them, PAT hash, PAT id and unique-identifier items, puts audit events, lists users only, no KMS', () => {
    expectGrants('pats', [
      ...allow(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'], [table()], leadingKeys('USER#*')),
      ...allow(
        ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        [table()],
        leadingKeys('USER#*', 'PATHASH#*', 'PATID#*', 'UNIQUE#*'),
      ),
      ...allow(['dynamodb:PutItem'], [table()], leadingKeys('AUDIT#*')),
      ...allow(['dynamodb:Query'], [index()], indexPartitions('USER')),
    ]);
  });

  it('revocation: authenticates clients, reads PATs by id, owners and jti marks, deletes PATs, marks jtis, audits, verifies with public keys', () => {
    expectGrants('revocation', [
      ...allow(['dynamodb:GetItem'], [table()], leadingKeys('APP#*', 'USER#*', 'PATHASH#*')),
      ...allow(['dynamodb:BatchGetItem'], [table()], leadingKeys('PATID#*', 'USER#*', 'REVOKED#*')),
      ...allow(['dynamodb:DeleteItem'], [table()], leadingKeys('USER#*', 'PATHASH#*', 'PATID#*')),
      ...allow(['dynamodb:PutItem'], [table()], leadingKeys('REVOKED#*', 'AUDIT#*')),
      ...allow(['kms:GetPublicKey'], keys()),
    ]);
  });

  it('credentials: finds leaked PATs by hash and deletes them with an audit event; no keys, no clients, no jti marks', () => {
    expectGrants('credentials', [
      ...allow(['dynamodb:BatchGetItem'], [table()], leadingKeys('PATHASH#*')),
      ...allow(['dynamodb:GetItem'], [table()], leadingKeys('PATHASH#*', 'USER#*')),
      ...allow(['dynamodb:DeleteItem'], [table()], leadingKeys('USER#*', 'PATHASH#*', 'PATID#*')),
      ...allow(['dynamodb:PutItem'], [table()], leadingKeys('AUDIT#*')),
    ]);
  });

  it('maintenance: removes PATs of ended epochs, lists pending purges, scans once for the migration, sends expiry notices', () => {
    expectGrants('maintenance', [
      ...allow(
        ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
        [table()],
        leadingKeys('USER#*', 'MIGRATION#*'),
      ),
      ...allow(['dynamodb:DeleteItem'], [table()], leadingKeys('USER#*', 'PATHASH#*', 'PATID#*')),
      ...allow(['dynamodb:UpdateItem'], [table()], leadingKeys('USER#*', 'PATHASH#*')),
      ...allow(['dynamodb:PutItem'], [table()], leadingKeys('PATID#*')),
      ...allow(['dynamodb:Query'], [index()], indexPartitions('PURGE', 'ORG', 'ORGPURGE')),
      // Memberships a deleted organization left, and its purge marker.
      ...allow(['dynamodb:DeleteItem'], [table()], leadingKeys('ORGMEMBER#*', 'ORG#*')),
      // Indexing memberships from before a user's organizations were listed: organization by organization.
      ...allow(['dynamodb:Query', 'dynamodb:UpdateItem'], [table()], leadingKeys('ORGMEMBER#*')),
      ...allow(['dynamodb:Scan'], [table()]),
      // Expiry notices: the per-day expiry partitions of gsi1 only, the notice level, patgate's events on the default bus.
      ...allow(['dynamodb:Query'], [index()], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PATEXP#*'] } }),
      ...allow(['dynamodb:UpdateItem'], [table()], leadingKeys('USER#*')),
      ...allow(
        ['events:PutEvents'],
        [resolve(Stack.of(stack).formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' }))],
        { StringEquals: { 'events:source': 'patgate' } },
      ),
    ]);
  });

  it("admin: reads and writes applications, resources, roles and users' roles, only reads users, puts and reads audit events, no organizations, no KMS", () => {
    expectGrants('admin', [
      ...allow(['dynamodb:GetItem'], [table()], leadingKeys('APP#*', 'RES#*', 'ROLE#*', 'USERROLES#*', 'USER#*')),
      ...allow(
        ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        [table()],
        leadingKeys('APP#*', 'RES#*', 'RESIND#*', 'ROLE#*', 'ROLENAME#*', 'USERROLES#*'),
      ),
      ...allow(['dynamodb:UpdateItem'], [table()], leadingKeys('APP#*')),
      ...allow(['dynamodb:ConditionCheckItem'], [table()], leadingKeys('USER#*')),
      ...allow(['dynamodb:PutItem', 'dynamodb:Query'], [table()], leadingKeys('AUDIT#*')),
      ...allow(['dynamodb:Query'], [index()], indexPartitions('APP', 'RES', 'ROLE', 'AUDIT')),
    ]);
  });

  it('organizations: reads and writes organizations, their scopes, roles and members, only reads and checks users, puts audit events, no KMS', () => {
    expectGrants('organizations', [
      ...allow(
        ['dynamodb:GetItem'],
        [table()],
        leadingKeys('ORG#*', 'ORGSCOPE#*', 'ORGROLE#*', 'ORGMEMBER#*', 'USER#*'),
      ),
      ...allow(
        ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        [table()],
        leadingKeys('ORG#*', 'ORGSCOPE#*', 'ORGROLE#*', 'ORGNAME#*', 'ORGMEMBER#*'),
      ),
      ...allow(['dynamodb:UpdateItem'], [table()], leadingKeys('ORG#*')),
      ...allow(['dynamodb:ConditionCheckItem'], [table()], leadingKeys('USER#*', 'ORG#*')),
      ...allow(['dynamodb:Query'], [table()], leadingKeys('ORGMEMBER#*')),
      ...allow(['dynamodb:PutItem'], [table()], leadingKeys('AUDIT#*')),
      ...allow(['dynamodb:Query'], [index()], indexPartitions('ORG', 'ORGSCOPE', 'ORGROLE')),
      // A user's organizations: the per-user partitions of the index, nothing else by prefix.
      ...allow(['dynamodb:Query'], [index()], {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USERORGS#*'] },
      }),
    ]);
  });

  it('uses no AWS managed policies for the functions', () => {
    for (const name of handlerNames) {
      const role = resourcesOf('AWS::IAM::Role')[stack.getLogicalId(fn(name).role!.node.defaultChild as iam.CfnRole)];
      expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('data', () => {
  it('keeps the table safe: on-demand, point-in-time recovery, deletion protection, retained, encrypted', () => {
    expect(only(resourcesOf('AWS::DynamoDB::Table'))).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        // Enabled without a key of its own: the AWS managed key aws/dynamodb.
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      },
    });
  });

  it('has the single-table layout of lambdas/shared/store/keys.ts', () => {
    expect(only(resourcesOf('AWS::DynamoDB::Table')).Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });
});

describe('signing keys', () => {
  it('start as one retained ECC P-256 signing key behind the current alias', () => {
    const [keyId, key] = Object.entries(resourcesOf('AWS::KMS::Key'))[0]!;
    template.resourceCountIs('AWS::KMS::Key', 1);
    expect(key).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' },
    });
    expect(only(resourcesOf('AWS::KMS::Alias')).Properties).toEqual({
      AliasName: 'alias/patgate/signing',
      TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });
});

describe('WAF', () => {
  it('rate-limits the token and self-service endpoints per IP and applies the AWS common rule set', () => {
    expect(only(resourcesOf('AWS::WAFv2::WebACL')).Properties).toMatchObject({
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        {
          Name: 'TokenEndpointRateLimit',
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: {
              AggregateKeyType: 'IP',
              Limit: 1000,
              EvaluationWindowSec: 300,
              ScopeDownStatement: {
                OrStatement: {
                  Statements: ['/oidc/token', '/me/personal-access-token'].map((path) => ({
                    ByteMatchStatement: {
                      FieldToMatch: { UriPath: {} },
                      PositionalConstraint: 'ENDS_WITH',
                      SearchString: path,
                    },
                  })),
                },
              },
            },
          },
        },
        {
          Name: 'CredentialRevocationRateLimit',
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: {
              AggregateKeyType: 'IP',
              Limit: 100,
              EvaluationWindowSec: 300,
              ScopeDownStatement: {
                ByteMatchStatement: {
                  FieldToMatch: { UriPath: {} },
                  PositionalConstraint: 'ENDS_WITH',
                  SearchString: '/credentials/revoke',
                },
              },
            },
          },
        },
        {
          Name: 'AWSManagedRulesCommonRuleSet',
          OverrideAction: { None: {} },
          Statement: {
            ManagedRuleGroupStatement: {
              VendorName: 'AWS',
              Name: 'AWSManagedRulesCommonRuleSet',
              // Not on /credentials/revoke: its 8 KB body limit would refuse a batch of leaked values.
              ScopeDownStatement: {
                NotStatement: {
                  Statement: {
                    ByteMatchStatement: { PositionalConstraint: 'ENDS_WITH', SearchString: '/credentials/revoke' },
                  },
                },
              },
            },
          },
        },
      ],
    });
  });

  it('protects the stage', () => {
    const association = only(resourcesOf('AWS::WAFv2::WebACLAssociation')).Properties;
    expect(JSON.stringify(association.ResourceArn)).toContain(logicalId(stack.patgate.api.stage));
    expect(association.WebACLArn).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(stack.patgate.waf.webAcl), 'Arn'] });
  });

  it('logs requests with the Authorization header redacted', () => {
    const logging = only(resourcesOf('AWS::WAFv2::LoggingConfiguration')).Properties;
    expect(logging.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }]);
    const logGroupId = JSON.stringify(logging.LogDestinationConfigs).match(/"Ref":"(\w+)"/)![1]!;
    expect(JSON.stringify(resourcesOf('AWS::Logs::LogGroup')[logGroupId]!.Properties.LogGroupName)).toContain(
      'aws-waf-logs-',
    );
  });
});

describe('monitoring', () => {
  const alarms = () => Object.values(resourcesOf('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
  const alarmNamed = (name: string) => alarms().find((alarm) => alarm.AlarmName === `patgate-${name}`);

  it('alarms on API 5XX, each function, the table, failing dependencies and failed exchanges', () => {
    expect(
      alarms()
        .map((alarm) => alarm.AlarmName)
        .sort(),
    ).toEqual(
      [
        'Api5xx',
        ...['Token', 'Revocation', 'Credentials', 'Discovery', 'Pats', 'Admin', 'Organizations', 'Maintenance'].flatMap(
          (name) => [`${name}FunctionErrors`, `${name}FunctionThrottles`],
        ),
        'TableSystemErrors',
        'TableThrottles',
        'DynamoDbFailures',
        'KmsFailures',
        'FailedTokenExchanges',
      ]
        .map((name) => `patgate-${name}`)
        .sort(),
    );
    for (const alarm of alarms()) {
      expect(alarm.AlarmDescription).toEqual(expect.any(String));
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  it('watches the metrics the handlers emit, in namespace Patgate with the service dimension', () => {
    expect(alarmNamed('FailedTokenExchanges')).toMatchObject({
      Namespace: 'Patgate',
      MetricName: 'TokenExchangeFailed',
      Dimensions: [{ Name: 'service', Value: 'patgate' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 100,
    });
    expect(alarmNamed('KmsFailures')).toMatchObject({
      Namespace: 'Patgate',
      MetricName: 'DependencyFailure',
      Dimensions: [
        { Name: 'dependency', Value: 'kms' },
        { Name: 'service', Value: 'patgate' },
      ],
    });
  });

  it('watches the stage, the functions and the table', () => {
    expect(alarmNamed('Api5xx')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError' });
    expect(alarmNamed('TokenFunctionErrors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn('token')) } }],
    });
    expect(JSON.stringify(alarmNamed('TableSystemErrors')!.Metrics)).toContain('"MetricName":"SystemErrors"');
    expect(JSON.stringify(alarmNamed('TableThrottles')!.Metrics)).toContain('"MetricName":"ThrottledRequests"');
  });

  it('notifies nobody unless given a topic', () => {
    for (const alarm of alarms()) expect(alarm.AlarmActions).toBeUndefined();
  });

  it('has a dashboard', () => {
    expect(only(resourcesOf('AWS::CloudWatch::Dashboard')).Properties.DashboardName).toBe('patgate');
  });
});

describe('outputs', () => {
  it('gives the URLs and names operators need', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs).toMatchObject({
      Issuer: { Value: resolve(stack.patgate.issuer) },
      TokenEndpoint: { Value: resolve(stack.patgate.tokenEndpoint) },
      JwksUri: { Value: resolve(stack.patgate.jwksUri) },
      ManagementApiUrl: { Value: resolve(stack.patgate.managementApiUrl) },
      TableName: { Value: resolve(stack.patgate.table.tableName) },
      SigningKeyAlias: { Value: 'alias/patgate/signing' },
    });
    expect(JSON.stringify(outputs.TokenEndpoint)).toContain('/prod/oidc/token');
    expect(JSON.stringify(outputs.JwksUri)).toContain('/prod/oidc/jwks');
    expect(JSON.stringify(outputs.ManagementApiUrl)).toContain('/prod/api');
  });
});
