/**
 * `components.schemas` of the OpenAPI document, converted from zod schemas in one pass, so that a schema nested in
 * another becomes a `$ref` to its component.
 */
// A namespace import, not `import { z }`: esbuild can then drop the parts of zod that aren't used (its locales).
import * as z from 'zod';
import * as requests from '../lambdas/shared/management/schemas';
import { operationDocs, type OperationDoc } from './operations';
import * as responses from './schemas';

export type JsonSchema = Record<string, unknown>;

/** Schemas published under these names in `components.schemas`; others are inlined where they are used. */
const namedSchemas: Record<string, z.core.$ZodType> = {
  UserId: requests.userIdSchema,
  PersonalAccessTokenName: requests.patNameSchema,
  Id: requests.idSchema,
  ScopeList: requests.scopeListSchema,
  CreatePersonalAccessTokenRequest: requests.createPatSchema,
  RenamePersonalAccessTokenRequest: requests.renamePatSchema,
  RenamePersonalAccessTokenByPathRequest: requests.renamePatByPathSchema,
  DeletePersonalAccessTokenRequest: requests.deletePatSchema,
  RotatePersonalAccessTokenRequest: requests.rotatePatSchema,
  SetUserSuspendedRequest: requests.setSuspendedSchema,
  CreateApplicationRequest: requests.createApplicationSchema,
  UpdateApplicationRequest: requests.updateApplicationSchema,
  CreateResourceRequest: requests.createResourceSchema,
  UpdateResourceRequest: requests.updateResourceSchema,
  PatPolicyOverride: requests.patPolicyOverrideSchema,
  PersonalAccessToken: responses.personalAccessTokenSchema,
  CreatedPersonalAccessToken: responses.createdPersonalAccessTokenSchema,
  RotatedPersonalAccessToken: responses.rotatedPersonalAccessTokenSchema,
  User: responses.userSchema,
  Application: responses.applicationSchema,
  CreatedApplication: responses.createdApplicationSchema,
  ApiResource: responses.apiResourceSchema,
  CreateScopeRequest: requests.createScopeSchema,
  UpdateScopeRequest: requests.updateScopeSchema,
  CreateRoleRequest: requests.createRoleSchema,
  UpdateRoleRequest: requests.updateRoleSchema,
  RoleScopesRequest: requests.roleScopesSchema,
  UserRolesRequest: requests.userRolesSchema,
  Scope: responses.scopeSchema,
  ScopeWithResource: responses.scopeWithResourceSchema,
  Role: responses.roleSchema,
  AssignedRoles: responses.assignedRolesSchema,
  CreateOrganizationRequest: requests.createOrganizationSchema,
  UpdateOrganizationRequest: requests.updateOrganizationSchema,
  CreateOrganizationScopeRequest: requests.createOrganizationScopeSchema,
  UpdateOrganizationScopeRequest: requests.updateOrganizationScopeSchema,
  CreateOrganizationRoleRequest: requests.createOrganizationRoleSchema,
  UpdateOrganizationRoleRequest: requests.updateOrganizationRoleSchema,
  OrganizationUsersRequest: requests.organizationUsersSchema,
  OrganizationRoleScopesRequest: requests.organizationRoleScopesSchema,
  MemberRolesRequest: requests.memberRolesSchema,
  Organization: responses.organizationSchema,
  OrganizationScope: responses.organizationScopeSchema,
  OrganizationRole: responses.organizationRoleSchema,
  OrganizationMember: responses.organizationMemberSchema,
  ManagementError: responses.managementErrorSchema,
  GatewayError: responses.gatewayErrorSchema,
  OAuthError: responses.oauthErrorSchema,
  TokenRequest: responses.tokenRequestSchema,
  TokenResponse: responses.tokenResponseSchema,
  JsonWebKeySet: responses.jwksSchema,
  AuthorizationServerMetadata: responses.authorizationServerMetadataSchema,
  OpenApiDocument: responses.openApiDocumentSchema,
  AuditEvent: responses.auditEventSchema,
  IntrospectionResponse: responses.introspectionResponseSchema,
};

/** What refinements enforce, as far as JSON Schema can say it (it counts string lengths in code points too). */
const refinements = new Map<unknown, JsonSchema>([
  [
    requests.patNameSchema,
    { minLength: 1, maxLength: 256, description: 'Well-formed Unicode, without control characters.' },
  ],
  [requests.scopeListSchema, { uniqueItems: true }],
]);

/** Prefix of the temporary ids of unnamed schemas. */
const INLINE = '~inline';

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * Converts every schema the document uses in one pass, so that schemas nested in others become `$ref`s to
 * their components. Unnamed schemas get a temporary id and are inlined afterwards.
 */
export function convertSchemas() {
  const registry = z.registry<{ id: string }>();
  const ids = new Map<z.core.$ZodType, string>();
  for (const [id, schema] of Object.entries(namedSchemas)) {
    registry.add(schema, { id });
    ids.set(schema, id);
  }
  const idOf = (schema: z.core.$ZodType): string => {
    let id = ids.get(schema);
    if (id === undefined) {
      id = `${INLINE}${ids.size}`;
      registry.add(schema, { id });
      ids.set(schema, id);
    }
    return id;
  };
  const used = Object.values<OperationDoc>(operationDocs).flatMap((doc) => [
    doc.body,
    doc.form,
    ...Object.values(doc.success),
    ...Object.values(doc.query ?? {}).map((parameter) => parameter.schema),
  ]);
  for (const schema of used) if (schema) idOf(schema);

  // Response schemas have no defaults or transforms, so their input and output shapes are the same.
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
    override: ({ zodSchema, jsonSchema }) => Object.assign(jsonSchema, refinements.get(zodSchema)),
  });
  const components: Record<string, JsonSchema> = {};
  const inline = new Map<string, JsonSchema>();
  for (const [id, { $schema: _dialect, $id: _id, ...schema }] of Object.entries(schemas)) {
    if (id.startsWith(INLINE)) inline.set(id, schema);
    else components[id] = schema;
  }
  if (JSON.stringify(components).includes(`"${ref(INLINE).$ref}`)) {
    throw new Error('A named schema nests a schema that an operation also uses directly: name that one too.');
  }
  const schemaFor = (schema: z.core.$ZodType): JsonSchema => {
    const id = ids.get(schema);
    if (id === undefined)
      throw new Error('The schema is neither named nor used by an operation: it was not converted.');
    return inline.get(id) ?? ref(id);
  };
  return { components, schemaFor };
}
