/**
 * patgate as a reusable construct: the DynamoDB table, the KMS signing keys, one Lambda function per handler,
 * the REST API built from the route table, AWS WAF, and alarms with a dashboard.
 */
import { Duration, Stack, Token } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { HandlerName } from '../lambdas/routes';
import { defaultSeconds, handlerEnvironment, type HandlerSettings } from '../lambdas/shared/env-contract';
import { defaultMetricsNamespace } from '../lambdas/shared/metrics-contract';
import { PatgateApi, type CustomDomain, type Throttling } from './api';
import { PatgateFunctions, type LogLevel } from './functions';
import { PatgateMaintenance } from './maintenance';
import type { ManagementAccess } from './management-access';
import { PatgateMonitoring } from './monitoring';
import { SigningKeys, type SigningKeyDefinition, type SigningKeySpec } from './signing-keys';
import { createTable } from './table';
import { PatgateWaf, type WafLimits } from './waf';

export interface PatgateProps {
  /**
   * Names this deployment: KMS aliases `alias/{serviceName}/signing*`, the Powertools `service` dimension,
   * the API, web ACL, alarm and dashboard names. Letters, digits, `-` and `_`.
   * @default the stack name
   */
  readonly serviceName?: string;
  /** @default 'prod' */
  readonly stageName?: string;
  /** Serve the API, and issue tokens, under a custom domain. @default the execute-api URL */
  readonly customDomain?: CustomDomain;
  /** Lifetime of access tokens for API resources without their own. @default 1 hour */
  readonly defaultAccessTokenTtl?: Duration;

  /**
   * Lifetime policy for personal access tokens, enforced at creation and at every exchange (tightening it
   * stops existing PATs that no longer comply). @default no limits; rotation grace at most 1 hour
   */
  readonly patPolicy?: PatPolicyProps;

  /** Key spec of signing keys that don't set their own. @default ECC_NIST_P256 (ES256 tokens) */
  readonly keySpec?: SigningKeySpec;
  /** Every signing key the stack holds. Removing one leaves the KMS key in the account. @default one key, `initial` */
  readonly signingKeys?: readonly SigningKeyDefinition[];
  /** Id of the key that signs new tokens. @default the only key in `signingKeys` */
  readonly currentSigningKey?: string;
  /** Id of the key that signed tokens until the last rotation; published in the JWKS only. */
  readonly previousSigningKey?: string;
  /** Id of the key that will sign tokens after the next rotation; published in the JWKS only. */
  readonly nextSigningKey?: string;
  /** How long handlers reuse resolved signing and public keys. @default 5 minutes */
  readonly keyCacheTtl?: Duration;
  /** How long the token endpoint reuses applications and API resources it has read. @default 30 seconds */
  readonly clientCacheTtl?: Duration;

  /** Stage-wide API Gateway throttling. @default 100 requests per second, bursts of 200 */
  readonly throttling?: Partial<Throttling>;
  /** @default 1000 token requests and 100 leaked-credential revocations per IP per 300 seconds */
  readonly waf?: Partial<WafLimits>;
  /** Restricts the management API to these accounts or organization. @default the stack's account only */
  readonly managementAccess?: ManagementAccess;
  /**
   * Set the region's API Gateway CloudWatch Logs role (an account-wide setting) so execution logging works.
   * Turn off when the account already has one, for example from a landing zone.
   * @default true
   */
  readonly createApiGatewayCloudWatchRole?: boolean;

  /** @default 512 MB for `token`, 256 MB for the others */
  readonly memorySize?: Partial<Record<HandlerName, number>>;
  /** How long audit events are kept (DynamoDB TTL, whole days). @default one year (365 days) */
  readonly auditRetention?: Duration;
  /** Retention of function, API and WAF logs. @default one year */
  readonly logRetention?: logs.RetentionDays;
  /** @default 'INFO' */
  readonly logLevel?: LogLevel;
  /** CloudWatch namespace of the handlers' custom metrics. @default 'Patgate' */
  readonly metricsNamespace?: string;
  /** Receives alarm and OK notifications. @default no notifications */
  readonly alarmTopic?: sns.ITopic;
  /** Failed token exchanges per 5 minutes that raise an alarm. @default 100 */
  readonly failedTokenExchangeAlarmThreshold?: number;
}

export interface PatPolicyProps {
  /** PATs must have an expiry: at creation, and at the exchange (PATs without one stop). @default false */
  readonly requireExpiry?: boolean;
  /** Expiry given to PATs created without one. @default none */
  readonly defaultLifetime?: Duration;
  /** Longest a PAT value may live; implies requireExpiry. @default no limit */
  readonly maxLifetime?: Duration;
  /** Live PATs per user; enforced atomically (exactly up to 99). @default no limit */
  readonly maxPerUser?: number;
  /** PATs unused this long stop exchanging. @default never */
  readonly revokeUnusedAfter?: Duration;
  /** Longest grace a rotation may give the replaced value. @default 1 hour */
  readonly maxRotationGrace?: Duration;
}

function patPolicyEnvironment(policy: PatPolicyProps = {}): Partial<HandlerSettings> {
  return {
    patRequireExpiry: policy.requireExpiry,
    patDefaultLifetimeSeconds: policy.defaultLifetime?.toSeconds(),
    patMaxLifetimeSeconds: policy.maxLifetime?.toSeconds(),
    patMaxPerUser: policy.maxPerUser,
    patRevokeUnusedAfterSeconds: policy.revokeUnusedAfter?.toSeconds(),
    patMaxRotationGraceSeconds: policy.maxRotationGrace?.toSeconds(),
  };
}

const defaults = {
  stageName: 'prod',
  defaultAccessTokenTtl: Duration.seconds(defaultSeconds.defaultAccessTokenTtlSeconds),
  keySpec: kms.KeySpec.ECC_NIST_P256,
  keyCacheTtl: Duration.seconds(defaultSeconds.keyCacheTtlSeconds),
  clientCacheTtl: Duration.seconds(defaultSeconds.clientCacheTtlSeconds),
  throttling: { rateLimit: 100, burstLimit: 200 },
  waf: { tokenRequestsPerIp: 1000, credentialRevocationsPerIp: 100, rateLimitWindowSeconds: 300 },
  auditRetention: Duration.seconds(defaultSeconds.auditRetentionSeconds),
  memorySize: {
    token: 512,
    discovery: 256,
    pats: 256,
    admin: 256,
    organizations: 256,
    revocation: 256,
    credentials: 256,
  },
  logRetention: logs.RetentionDays.ONE_YEAR,
  logLevel: 'INFO',
  metricsNamespace: defaultMetricsNamespace,
  failedTokenExchangeAlarmThreshold: 100,
} as const satisfies Partial<Record<keyof PatgateProps, unknown>>;

export class Patgate extends Construct {
  /** The `iss` of issued tokens; discovery documents live under it. */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
  /** Base URL of the IAM-authorized management API. */
  readonly managementApiUrl: string;
  readonly table: dynamodb.Table;
  readonly signingKeys: SigningKeys;
  readonly functions: PatgateFunctions;
  readonly api: PatgateApi;
  readonly waf: PatgateWaf;
  readonly monitoring: PatgateMonitoring;

  constructor(scope: Construct, id: string, props: PatgateProps = {}) {
    super(scope, id);
    const serviceName = props.serviceName ?? Stack.of(this).stackName;
    if (!Token.isUnresolved(serviceName) && !/^[A-Za-z0-9_-]{1,64}$/.test(serviceName)) {
      throw new Error(`serviceName '${serviceName}' may hold only letters, digits, '-' and '_' (at most 64)`);
    }
    const logRetention = props.logRetention ?? defaults.logRetention;

    this.table = createTable(this);
    const keys = props.signingKeys ?? [{ id: 'initial' }];
    this.signingKeys = new SigningKeys(this, 'SigningKeys', {
      aliasPrefix: serviceName,
      keys,
      current: props.currentSigningKey ?? onlyKeyId(keys),
      previous: props.previousSigningKey,
      next: props.nextSigningKey,
      defaultKeySpec: props.keySpec ?? defaults.keySpec,
    });

    this.api = new PatgateApi(this, 'Api', {
      name: serviceName,
      stageName: props.stageName ?? defaults.stageName,
      throttling: { ...defaults.throttling, ...props.throttling },
      logRetention,
      managementAccess: props.managementAccess,
      customDomain: props.customDomain,
      createCloudWatchRole: props.createApiGatewayCloudWatchRole ?? true,
    });
    this.issuer = `${this.api.baseUrl}/oidc`;
    this.tokenEndpoint = `${this.issuer}/token`;
    this.jwksUri = `${this.issuer}/jwks`;
    this.managementApiUrl = `${this.api.baseUrl}/api`;

    const logLevel = props.logLevel ?? defaults.logLevel;
    const metricsNamespace = props.metricsNamespace ?? defaults.metricsNamespace;
    this.functions = new PatgateFunctions(this, 'Functions', {
      table: this.table,
      signingKeys: this.signingKeys.publishedKeys,
      memorySize: { ...defaults.memorySize, ...props.memorySize },
      logRetention,
      logLevel,
      environment: handlerEnvironment({
        tableName: this.table.tableName,
        issuer: this.issuer,
        signingKeyAlias: this.signingKeys.currentAliasName,
        publishedKeyAliases: this.signingKeys.publishedAliasNames,
        keyCacheTtlSeconds: (props.keyCacheTtl ?? defaults.keyCacheTtl).toSeconds(),
        clientCacheTtlSeconds: (props.clientCacheTtl ?? defaults.clientCacheTtl).toSeconds(),
        defaultAccessTokenTtlSeconds: (props.defaultAccessTokenTtl ?? defaults.defaultAccessTokenTtl).toSeconds(),
        auditRetentionSeconds: (props.auditRetention ?? defaults.auditRetention).toSeconds(),
        ...patPolicyEnvironment(props.patPolicy),
        serviceName,
        metricsNamespace,
        logLevel,
      } satisfies HandlerSettings),
    });
    this.api.addRoutes(this.functions);
    new PatgateMaintenance(this, 'Maintenance', { functions: this.functions, interval: Duration.minutes(5) });

    this.waf = new PatgateWaf(this, 'Waf', {
      ...defaults.waf,
      ...props.waf,
      name: serviceName,
      stage: this.api.stage,
      logRetention,
    });

    this.monitoring = new PatgateMonitoring(this, 'Monitoring', {
      serviceName,
      metricsNamespace,
      stage: this.api.stage,
      functions: this.functions,
      table: this.table,
      webAclName: this.waf.webAclName,
      alarmTopic: props.alarmTopic,
      failedTokenExchangeThreshold:
        props.failedTokenExchangeAlarmThreshold ?? defaults.failedTokenExchangeAlarmThreshold,
    });
  }
}

function onlyKeyId(keys: readonly SigningKeyDefinition[]): string {
  const [only, ...others] = keys;
  if (!only || others.length > 0)
    throw new Error('currentSigningKey is required unless signingKeys holds exactly one key');
  return only.id;
}
