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
export type ManagementError = z.output<typeof responses.managementErrorSchema>;
export type TokenResponse = z.output<typeof responses.tokenResponseSchema>;
export type AuthorizationServerMetadata = z.output<typeof responses.authorizationServerMetadataSchema>;

export type CreatePersonalAccessTokenInput = z.input<typeof requests.createPatSchema>;
export type RotatePersonalAccessTokenInput = z.input<typeof requests.rotatePatSchema>;
export type UpdateApplicationInput = z.input<typeof requests.updateApplicationSchema>;
export type CreateResourceInput = z.input<typeof requests.createResourceSchema>;
export type CreateUserInput = z.input<typeof requests.createUserSchema>;
export type UpdateUserInput = z.input<typeof requests.updateUserSchema>;
