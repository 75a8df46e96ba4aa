/**
 * The optional API resource policy that limits who may call the management API (`/api/*`).
 *
 * Without a resource policy, IAM auth admits the principals of the stack's own account whose identity
 * policies allow execute-api:Invoke. With one, a resource-policy Allow that matches a caller of the same
 * account would admit it even without such an identity policy; so the policy allows only what needs it:
 * anonymous calls to the public routes, and other accounts' principals (which still need identity policies
 * in their own accounts). A Deny then shuts out everyone outside the listed accounts and organization.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { routes } from '../lambdas/routes';

export interface ManagementAccess {
  /** AWS accounts whose principals may call the management API. */
  readonly accountIds?: readonly string[];
  /** An AWS Organizations organization (`o-...`) whose principals may call the management API. */
  readonly organizationId?: string;
}

const invoke = 'execute-api:Invoke';
/** `execute-api:/{stage}/{method}/{path}` */
const managementApi = 'execute-api:/*/*/api/*';

/** @param ownAccount the stack's account, whose principals keep needing identity policies */
export function managementResourcePolicy(access: ManagementAccess, ownAccount: string): iam.PolicyDocument {
  validate(access);
  const { accountIds = [], organizationId } = access;

  const statements = [
    new iam.PolicyStatement({
      principals: [new iam.AnyPrincipal()],
      actions: [invoke],
      resources: routes
        .filter((route) => route.auth === 'none')
        .map((route) => `execute-api:/*/${route.method}${route.path.replace(/\{\w+\}/g, '*')}`),
    }),
  ];
  if (accountIds.length > 0) {
    // An account principal delegates to the account's identity policies, the own account's included.
    statements.push(
      new iam.PolicyStatement({
        principals: accountIds.map((accountId) => new iam.AccountPrincipal(accountId)),
        actions: [invoke],
        resources: [managementApi],
      }),
    );
  }
  if (organizationId) {
    statements.push(
      new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: [invoke],
        resources: [managementApi],
        conditions: {
          StringEquals: { 'aws:PrincipalOrgID': organizationId },
          StringNotEquals: { 'aws:PrincipalAccount': ownAccount },
        },
      }),
    );
  }

  const allowed: Record<string, string | readonly string[]> = {};
  if (accountIds.length > 0) allowed['aws:PrincipalAccount'] = accountIds;
  if (organizationId) allowed['aws:PrincipalOrgID'] = organizationId;
  statements.push(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [invoke],
      resources: [managementApi],
      // Keys are ANDed: denied when the caller is in none of the accounts and not in the organization.
      conditions: { StringNotEquals: allowed },
    }),
  );
  return new iam.PolicyDocument({ statements });
}

function validate({ accountIds = [], organizationId }: ManagementAccess): void {
  if (accountIds.length === 0 && organizationId === undefined) {
    throw new Error('managementAccess needs accountIds or an organizationId');
  }
  for (const accountId of accountIds) {
    if (!/^\d{12}$/.test(accountId)) throw new Error(`'${accountId}' is not a 12-digit AWS account ID`);
  }
  if (organizationId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(organizationId)) {
    throw new Error(`'${organizationId}' is not an AWS Organizations ID (o-...)`);
  }
}
