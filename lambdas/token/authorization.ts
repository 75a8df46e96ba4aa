/**
 * Which scopes a token may carry, and for which audience (Logto's RBAC and organization tokens). The scopes
 * depend on the owner's role assignments, which must be read strongly consistently beside KMS Sign; so the
 * token is first minted with the scopes this container last saw for the owner (`expected`), the assignments
 * are read in the same round trip as Sign, in one request with the owner's user item (`assignmentReads`), and
 * `confirm` says which scopes they really grant — the caller signs again only if they differ, so a token never
 * carries stale roles.
 */
import { OAuthError } from '../shared/errors';
import { organizationAudience, organizationScopeNames } from '../shared/model/organization';
import type { PatCredential } from '../shared/model/pat';
import type { ApiResource } from '../shared/model/resource';
import { roleScopeNames } from '../shared/model/role';
import type { UserStanding } from '../shared/model/user';
import { membershipOf, membershipRead, organizationExistsRead, type Membership } from '../shared/store/organizations';
import { assignedRoleIds, roleAssignmentRead, type RoleAssignment } from '../shared/store/roles';
import {
  lastSeenRoleIds,
  loadOrganizationDefinitions,
  loadRoles,
  organizationDefinitionsKnowing,
  rememberRoleIds,
  rolesKnowing,
} from './roles';
import { grantScopes } from './scopes';
import type { TokenExchangeRequest } from './token-request';

type Roles = Awaited<ReturnType<typeof loadRoles>>;
type OrganizationDefinitions = Awaited<ReturnType<typeof loadOrganizationDefinitions>>;
interface Assignments {
  assignment?: RoleAssignment;
  membership?: Membership;
  organizationFound?: boolean;
}

/** The role and organization definitions the request may need, read (cached) in the first round trip. */
export function loadDefinitions(request: TokenExchangeRequest) {
  return {
    roles: request.resource === undefined ? Promise.resolve(undefined) : loadRoles(),
    organization: request.organizationId === undefined ? Promise.resolve(undefined) : loadOrganizationDefinitions(),
  };
}

export async function authorize(
  request: TokenExchangeRequest,
  credential: PatCredential,
  resource: ApiResource | null,
  definitions: ReturnType<typeof loadDefinitions>,
) {
  const { organizationId } = request;
  const roles: Roles | undefined = await definitions.roles;
  const organization: OrganizationDefinitions | undefined = await definitions.organization;
  const audience = organizationId === undefined ? resource : organizationAudience(organizationId);

  // Without a resource or an organization: OpenID Connect's scopes; otherwise those the roles grant.
  const grant = (roleIds: readonly string[], known = { roles, organization }) =>
    grantScopes(
      request.scopes,
      known.organization
        ? organizationScopeNames(roleIds, known.organization)
        : resource
          ? roleScopeNames(resource, roleIds, known.roles!)
          : null,
      credential.scopes,
    );

  const everyRoleId = (): string[] => [...(organization ? organization.roles.keys() : (roles?.keys() ?? []))];

  return {
    audience,
    /**
     * The scopes of the role ids this container last saw for the owner; for an owner not seen yet, of every role
     * (an owner asking for a resource's scopes usually holds roles that grant them). Only a guess: `confirm`
     * decides what the token carries.
     */
    expected: grant(lastSeenRoleIds(credential.userId, organizationId) ?? everyRoleId()),

    /**
     * What to read beside Sign: the owner's roles (with a resource), or membership and the organization itself
     * (with an organization: a deleted organization's memberships may outlive it for a while, see
     * deleteOrganization); nothing otherwise.
     */
    assignmentReads: {
      assignment: resource ? roleAssignmentRead(credential.userId) : undefined,
      membership: organizationId === undefined ? undefined : membershipRead(organizationId, credential.userId),
      organizationFound: organizationId === undefined ? undefined : organizationExistsRead(organizationId),
    },

    /** The scopes the owner's current assignments grant; a non-member gets Logto's access_denied. */
    async confirm(owner: UserStanding, { assignment, membership, organizationFound }: Assignments): Promise<string[]> {
      if (organizationId !== undefined) {
        const member = organizationFound ? membershipOf(membership, owner.createdAt) : undefined;
        if (!member) throw new OAuthError('access_denied', 'The user is not a member of the organization.');
        rememberRoleIds(credential.userId, member.roleIds, organizationId);
        return grant(member.roleIds, {
          roles,
          organization: await organizationDefinitionsKnowing(organization!, member.roleIds),
        });
      }
      if (!resource) return grant([]);
      const roleIds = assignedRoleIds(assignment, owner.createdAt);
      rememberRoleIds(credential.userId, roleIds);
      return grant(roleIds, { roles: await rolesKnowing(roles!, roleIds), organization });
    },
  };
}
