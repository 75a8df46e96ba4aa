/**
 * Request and response shapes of the Management API and the token endpoint, derived (types only) from the
 * zod schemas that validate requests and describe responses in the OpenAPI document.
 */
import type { z } from 'zod';
import type * as requests from '../lambdas/shared/management/schemas';
import type * as responses from '../openapi/schemas';

export type PersonalAccessToken = z.output<typeof responses.personalAccessTokenSchema>;
export type CreatedPersonalAccessToken = z.output<typeof responses.createdPersonalAccessTokenSchema>;
export type RotatedPersonalAccessToken = z.output<typeof responses.rotatedPersonalAccessTokenSchema>;
export type User = z.output<typeof responses.userSchema>;
export type Application = z.output<typeof responses.createdApplicationSchema>;
export type ApplicationType = Application['type'];
export type ApiResource = z.output<typeof responses.apiResourceSchema>;
export type Scope = z.output<typeof responses.scopeSchema>;
export type ScopeWithResource = z.output<typeof responses.scopeWithResourceSchema>;
export type Role = z.output<typeof responses.roleSchema>;
export type AssignedRoles = z.output<typeof responses.assignedRolesSchema>;
export type CreateScopeInput = z.input<typeof requests.createScopeSchema>;
export type UpdateScopeInput = z.input<typeof requests.updateScopeSchema>;
export type CreateRoleInput = z.input<typeof requests.createRoleSchema>;
export type UpdateRoleInput = z.input<typeof requests.updateRoleSchema>;
export type Organization = z.output<typeof responses.organizationSchema>;
export type OrganizationScope = z.output<typeof responses.organizationScopeSchema>;
export type OrganizationRole = z.output<typeof responses.organizationRoleSchema>;
export type OrganizationMember = z.output<typeof responses.organizationMemberSchema>;
export type OrganizationWithRoles = z.output<typeof responses.organizationWithRolesSchema>;
export type CreateOrganizationInput = z.input<typeof requests.createOrganizationSchema>;
export type UpdateOrganizationInput = z.input<typeof requests.updateOrganizationSchema>;
export type CreateOrganizationRoleInput = z.input<typeof requests.createOrganizationRoleSchema>;
export type ManagementError = z.output<typeof responses.managementErrorSchema>;
export type AuditEvent = z.output<typeof responses.auditEventSchema>;
export type IntrospectionResponse = z.output<typeof responses.introspectionResponseSchema>;
export type TokenResponse = z.output<typeof responses.tokenResponseSchema>;
export type AuthorizationServerMetadata = z.output<typeof responses.authorizationServerMetadataSchema>;

export type CreatePersonalAccessTokenInput = z.input<typeof requests.createPatSchema>;
export type RotatePersonalAccessTokenInput = z.input<typeof requests.rotatePatSchema>;
export type UpdateApplicationInput = z.input<typeof requests.updateApplicationSchema>;
export type CreateResourceInput = z.input<typeof requests.createResourceSchema>;
export type UpdateResourceInput = z.input<typeof requests.updateResourceSchema>;
export type PatPolicyOverride = z.input<typeof requests.patPolicyOverrideSchema>;
export type CreateUserInput = z.input<typeof requests.createUserSchema>;
export type UpdateUserInput = z.input<typeof requests.updateUserSchema>;
