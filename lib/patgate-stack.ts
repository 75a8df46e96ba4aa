import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { Patgate, type PatgateProps } from './patgate';

/**
 * The stack is configured with plain values (ARNs rather than constructs), so that it can be driven from
 * CDK context; embed the `Patgate` construct to pass constructs directly.
 */
export interface PatgateStackProps extends StackProps, Omit<PatgateProps, 'customDomain' | 'alarmTopic'> {
  readonly customDomain?: {
    readonly domainName: string;
    /** An ACM certificate for the domain, in the stack's region. */
    readonly certificateArn: string;
  };
  /** SNS topic for alarm and OK notifications. */
  readonly alarmTopicArn?: string;
}

/** A stack holding one patgate deployment, with the URLs and names operators need as outputs. */
export class PatgateStack extends Stack {
  readonly patgate: Patgate;

  constructor(scope: Construct, id: string, props: PatgateStackProps = {}) {
    super(scope, id, props);
    const { customDomain, alarmTopicArn } = props;
    const patgate = new Patgate(this, 'Patgate', {
      ...props,
      customDomain: customDomain && {
        domainName: customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', customDomain.certificateArn),
      },
      alarmTopic: alarmTopicArn === undefined ? undefined : sns.Topic.fromTopicArn(this, 'AlarmTopic', alarmTopicArn),
    });
    this.patgate = patgate;

    new CfnOutput(this, 'Issuer', { value: patgate.issuer, description: 'The iss claim of issued access tokens' });
    new CfnOutput(this, 'TokenEndpoint', { value: patgate.tokenEndpoint, description: 'RFC 8693 token exchange' });
    new CfnOutput(this, 'JwksUri', { value: patgate.jwksUri, description: 'Public keys that verify access tokens' });
    new CfnOutput(this, 'ManagementApiUrl', {
      value: patgate.managementApiUrl,
      description: 'IAM-authorized management API (SigV4, service execute-api)',
    });
    new CfnOutput(this, 'TableName', { value: patgate.table.tableName });
    new CfnOutput(this, 'SigningKeyAlias', {
      value: patgate.signingKeys.currentAliasName,
      description: 'KMS alias of the key that signs new tokens',
    });
    if (patgate.api.domain) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: patgate.api.domain.domainNameAliasDomainName,
        description: 'Point a CNAME (or Route 53 alias) for the custom domain here',
      });
    }
  }
}
