/** AWS WAF in front of the API stage: a per-IP rate limit on the token endpoint and AWS's common rule set. */
import { ArnFormat, Names, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface WafLimits {
  /** Token endpoint requests one IP address may make per `rateLimitWindowSeconds` before it is blocked. */
  readonly tokenRequestsPerIp: number;
  /** Leaked-credential revocations (POST /credentials/revoke) one IP may make per window before it is blocked. */
  readonly credentialRevocationsPerIp: number;
  /** The window WAF counts requests over: 60, 120, 300 or 600 seconds. */
  readonly rateLimitWindowSeconds: 60 | 120 | 300 | 600;
}

export interface PatgateWafProps extends WafLimits {
  readonly name: string;
  readonly stage: apigw.Stage;
  readonly logRetention: logs.RetentionDays;
}

/** Rule names double as CloudWatch metric names (dimension `Rule` in AWS/WAFV2). */
export const wafRuleNames = {
  tokenRateLimit: 'TokenEndpointRateLimit',
  credentialRevocationRateLimit: 'CredentialRevocationRateLimit',
  commonRuleSet: 'AWSManagedRulesCommonRuleSet',
} as const;

const PAT_ENDPOINTS = ['/oidc/token', '/me/personal-access-token'];


export class PatgateWaf extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  /** The `WebACL` dimension of the AWS/WAFV2 metrics. */
  readonly webAclName: string;

  constructor(scope: Construct, id: string, props: PatgateWafProps) {
    super(scope, id);
    if (props.tokenRequestsPerIp < 10 || props.credentialRevocationsPerIp < 10) {
      throw new Error('WAF rate limits start at 10 requests per window');
    }

    this.webAclName = props.name;
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      rules: [
        {
          name: wafRuleNames.tokenRateLimit,
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.tokenRequestsPerIp,
              evaluationWindowSec: props.rateLimitWindowSeconds,
              // The endpoints a PAT can be tried at: the token endpoint and self-service, one budget per IP.
              scopeDownStatement: {
                orStatement: { statements: PAT_ENDPOINTS.map(pathEndsWith) },
              },
            },
          },
          visibilityConfig: visibility(wafRuleNames.tokenRateLimit),
        },
        {
          // Its own limit: each request may carry 1,000 values, and answers the same whatever they were.
          name: wafRuleNames.credentialRevocationRateLimit,
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.credentialRevocationsPerIp,
              evaluationWindowSec: props.rateLimitWindowSeconds,
              scopeDownStatement: pathEndsWith(CREDENTIALS_REVOKE_PATH),
            },
          },
          visibilityConfig: visibility(wafRuleNames.credentialRevocationRateLimit),
        },
        {
          name: wafRuleNames.commonRuleSet,
          priority: 2,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              // The set blocks bodies over 8 KB (SizeRestrictions_BODY); a batch of 1,000 leaked values is ~45 KB.
              // That route parses its body strictly itself (64 KB at most) and has its own rate limit above.
              scopeDownStatement: { notStatement: { statement: pathEndsWith(CREDENTIALS_REVOKE_PATH) } },
            },
          },
          visibilityConfig: visibility(wafRuleNames.commonRuleSet),
        },
      ],
    });

    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF requires the aws-waf-logs- prefix.
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${Names.uniqueResourceName(this, { maxLength: 200 })}`,
      retention: props.logRetention,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group ARN without the `:*` suffix that LogGroup.logGroupArn has.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // Clients may send their application credentials in an HTTP Basic Authorization header.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
    });
  }
}

const CREDENTIALS_REVOKE_PATH = '/credentials/revoke';

/** Ends with: the path carries the stage name on the execute-api domain but not on a custom domain. */
function pathEndsWith(path: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'ENDS_WITH',
      searchString: path,
      textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
    },
  };
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { metricName, cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true };
}
