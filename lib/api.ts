/** The REST API, built from the route table in lambdas/routes.ts. */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routes, type HandlerName, type Route } from '../lambdas/routes';
import type { PatgateFunctions } from './functions';
import { managementResourcePolicy, type ManagementAccess } from './management-access';

export interface CustomDomain {
  /** For example `auth.example.com`; point a DNS record at the `CustomDomainTarget` output. */
  readonly domainName: string;
  /** An ACM certificate for `domainName` in the stack's region. */
  readonly certificate: acm.ICertificate;
}

export interface Throttling {
  /** Steady-state requests per second for the whole stage. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface PatgateApiProps {
  readonly name: string;
  readonly stageName: string;
  readonly throttling: Throttling;
  readonly logRetention: logs.RetentionDays;
  readonly managementAccess?: ManagementAccess;
  readonly customDomain?: CustomDomain;
  /** Whether to set the region's API Gateway CloudWatch Logs role, which execution logging needs. */
  readonly createCloudWatchRole: boolean;
}

/**
 * Why each handler that serves public (`auth: 'none'`) routes may do so. Adding a public route for another
 * handler fails synthesis until its reason is written down here.
 */
const publicHandlerReasons: Partial<Record<HandlerName, string>> = {
  token:
    'RFC 8693 token endpoint and PAT self-service, public by design: the handler authenticates the client application and validates the subject token (the PAT), or authenticates the PAT sent as Authorization: Bearer; WAF rate-limits both per IP.',
  discovery:
    'OpenID Connect discovery, RFC 8414 metadata and the JWKS are public by design: verifiers fetch them anonymously; they hold no secrets.',
  revocation: 'RFC 7662 introspection and RFC 7009 revocation authenticate the client application in the handler.',
  credentials:
    'Leaked-credential revocation is public by design (secret scanners hold only the leaked value), answers the same whatever was real, and has its own WAF rate limit.',
};

const field = apigw.AccessLogField;

/** One JSON object per request; `caller`/`userArn` identify the IAM principal of management calls. */
const accessLogFormat = apigw.AccessLogFormat.custom(
  JSON.stringify({
    requestId: field.contextRequestId(),
    extendedRequestId: field.contextExtendedRequestId(),
    requestTime: field.contextRequestTime(),
    ip: field.contextIdentitySourceIp(),
    userAgent: field.contextIdentityUserAgent(),
    caller: field.contextIdentityCaller(),
    userArn: field.contextIdentityUserArn(),
    accountId: field.contextIdentityAccountId(),
    domainName: field.contextDomainName(),
    httpMethod: field.contextHttpMethod(),
    resourcePath: field.contextResourcePath(),
    path: field.contextPath(),
    protocol: field.contextProtocol(),
    status: field.contextStatus(),
    responseLength: field.contextResponseLength(),
    responseLatency: field.contextResponseLatency(),
    integrationStatus: field.contextIntegrationStatus(),
    integrationLatency: field.contextIntegrationLatency(),
    integrationError: field.contextIntegrationErrorMessage(),
    errorMessage: field.contextErrorMessage(),
    errorResponseType: field.contextErrorResponseType(),
    wafResponseCode: field.contextWafResponseCode(),
    xrayTraceId: field.contextXrayTraceId(),
  }),
);

export class PatgateApi extends Construct {
  readonly restApi: apigw.RestApi;
  /**
   * The stage's base URL: the custom domain when there is one. Built from the API's id rather than its
   * deployment, so that functions the deployment depends on can use it in their environment.
   */
  readonly baseUrl: string;
  readonly domain?: apigw.DomainName;
  private readonly requestValidator: apigw.RequestValidator;

  constructor(scope: Construct, id: string, props: PatgateApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });

    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: props.name,
      description: 'patgate: personal access token management and OAuth 2.0 token exchange',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      policy: props.managementAccess && managementResourcePolicy(props.managementAccess, Stack.of(this).account),
      cloudWatchRole: props.createCloudWatchRole,
      // The role is a region-wide API Gateway setting that other APIs may rely on: it outlives this stack.
      cloudWatchRoleRemovalPolicy: props.createCloudWatchRole ? RemovalPolicy.RETAIN : undefined,
      deployOptions: {
        stageName: props.stageName,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Data trace would log request and response bodies, which carry PATs and access tokens.
        dataTraceEnabled: false,
        throttlingRateLimit: props.throttling.rateLimit,
        throttlingBurstLimit: props.throttling.burstLimit,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat,
      },
    });
    if (props.createCloudWatchRole) {
      Validations.of(this.restApi).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "API Gateway's account-wide CloudWatch Logs role serves every API in the region, so it cannot be scoped to this API; AWS maintains this policy for exactly that role.",
      });
    }

    // API Gateway creates the execution log group on first use, without retention; creating it first sets one.
    const executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${props.stageName}`,
      retention: props.logRetention,
    });
    this.restApi.deploymentStage.node.addDependency(executionLogs);

    this.requestValidator = this.restApi.addRequestValidator('RequestValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    if (props.customDomain) {
      this.domain = this.restApi.addDomainName('CustomDomain', {
        domainName: props.customDomain.domainName,
        certificate: props.customDomain.certificate,
        endpointType: apigw.EndpointType.REGIONAL,
        securityPolicy: apigw.SecurityPolicy.TLS_1_2,
      });
    }
    const { region, urlSuffix } = Stack.of(this);
    this.baseUrl = props.customDomain
      ? `https://${props.customDomain.domainName}`
      : `https://${this.restApi.restApiId}.execute-api.${region}.${urlSuffix}/${props.stageName}`;
  }

  get stage(): apigw.Stage {
    return this.restApi.deploymentStage;
  }

  /** One method per route, with a Lambda proxy integration to the route's handler function. */
  addRoutes(functions: PatgateFunctions): void {
    const integrations = new Map(
      [...functions.all].map(([name, fn]) => [
        name,
        // Test invocations from the console would bypass IAM auth.
        new apigw.LambdaIntegration(fn, { allowTestInvoke: false }),
      ]),
    );
    for (const route of routes) {
      const integration = integrations.get(route.handler);
      if (!integration) throw new Error(`No function for handler '${route.handler}'`);
      const method = this.restApi.root.resourceForPath(route.path).addMethod(route.method, integration, {
        operationName: route.operation,
        authorizationType: route.auth === 'iam' ? apigw.AuthorizationType.IAM : apigw.AuthorizationType.NONE,
        requestValidator: this.requestValidator,
        requestParameters: pathParameters(route),
      });
      acknowledgeAuthorization(method, route);
    }
  }
}

function acknowledgeAuthorization(method: apigw.Method, route: Route): void {
  if (route.auth === 'iam') {
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Management routes use IAM (SigV4) authorization: their callers are AWS principals, not Cognito users.',
    });
    return;
  }
  const reason = publicHandlerReasons[route.handler];
  if (!reason)
    throw new Error(`${route.method} ${route.path} is public, but handler '${route.handler}' has no reason to be`);
  Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
}

/** Declares the route's `{param}` placeholders as required path parameters, checked by the request validator. */
function pathParameters(route: Route): Record<string, boolean> {
  const names = route.path
    .split('/')
    .filter((part) => part.startsWith('{'))
    .map((part) => part.slice(1, -1));
  return Object.fromEntries(names.map((name) => [`method.request.path.${name}`, true]));
}
