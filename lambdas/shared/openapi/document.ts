/**
 * Builds the OpenAPI 3.1 document: paths, methods, parameters and auth from the route table; bodies and
 * responses from the zod schemas that validate requests (and the response schemas next to this file),
 * through zod's JSON Schema 2020-12 output.
 */
import { z } from 'zod';
import { version } from '../../../package.json';
import { routes, type Route } from '../../routes';
import * as requests from '../management/schemas';
import { errorResponses, operationDocs, type ErrorResponse, type OperationDoc, type Tag } from './operations';
import * as responses from './schemas';

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers?: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** Schemas published under these names in `components.schemas`; others are inlined where they are used. */
const namedSchemas: Record<string, z.ZodType> = {
  UserId: requests.userIdSchema,
  PersonalAccessTokenName: requests.patNameSchema,
  Id: requests.idSchema,
  ScopeList: requests.scopeListSchema,
  CreatePersonalAccessTokenRequest: requests.createPatSchema,
  RenamePersonalAccessTokenRequest: requests.renamePatSchema,
  RenamePersonalAccessTokenByPathRequest: requests.renamePatByPathSchema,
  DeletePersonalAccessTokenRequest: requests.deletePatSchema,
  SetUserSuspendedRequest: requests.setSuspendedSchema,
  CreateApplicationRequest: requests.createApplicationSchema,
  UpdateApplicationRequest: requests.updateApplicationSchema,
  CreateResourceRequest: requests.createResourceSchema,
  PersonalAccessToken: responses.personalAccessTokenSchema,
  CreatedPersonalAccessToken: responses.createdPersonalAccessTokenSchema,
  UserSuspension: responses.userSuspensionSchema,
  Application: responses.applicationSchema,
  CreatedApplication: responses.createdApplicationSchema,
  ApiResource: responses.apiResourceSchema,
  ManagementError: responses.managementErrorSchema,
  GatewayError: responses.gatewayErrorSchema,
  OAuthError: responses.oauthErrorSchema,
  TokenRequest: responses.tokenRequestSchema,
  TokenResponse: responses.tokenResponseSchema,
  JsonWebKeySet: responses.jwksSchema,
  AuthorizationServerMetadata: responses.authorizationServerMetadataSchema,
  OpenApiDocument: responses.openApiDocumentSchema,
};

/** What refinements enforce, as far as JSON Schema can say it (it counts string lengths in code points too). */
const refinements = new Map<unknown, JsonSchema>([
  [
    requests.patNameSchema,
    { minLength: 1, maxLength: 256, description: 'Well-formed Unicode, without control characters.' },
  ],
  [requests.scopeListSchema, { uniqueItems: true }],
]);

/** Path parameters by name, wherever they appear in the route table. */
const pathParameters: Record<string, { schema: z.ZodType; description: string }> = {
  userId: { schema: requests.userIdSchema, description: 'The user id, percent-encoded' },
  name: { schema: requests.patNameSchema, description: 'The personal access token name, percent-encoded' },
  id: { schema: requests.idSchema, description: 'The application or API resource id' },
};

const tags: { name: Tag; description: string }[] = [
  { name: 'Personal access tokens', description: 'Logto-compatible personal access token management (IAM auth)' },
  { name: 'Users', description: 'User state (IAM auth)' },
  { name: 'Applications', description: 'OAuth clients that may exchange personal access tokens (IAM auth)' },
  { name: 'API resources', description: 'Audiences of access tokens, with their scopes and lifetimes (IAM auth)' },
  { name: 'OAuth', description: 'Public token exchange, key set and discovery endpoints' },
  { name: 'Meta', description: 'The contract itself (IAM auth)' },
];

const successDescriptions: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No content' };

const securitySchemes = {
  sigv4: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'AWS Signature Version 4 for API Gateway IAM auth (service `execute-api`).',
    'x-amazon-apigateway-authtype': 'awsSigv4',
  },
  clientSecretBasic: { type: 'http', scheme: 'basic', description: 'client_id:client_secret (client_secret_basic)' },
};

/** Prefix of the temporary ids of unnamed schemas. */
const INLINE = '~inline';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * Converts every schema the document uses in one pass, so that schemas nested in others become `$ref`s to
 * their components. Unnamed schemas get a temporary id and are inlined afterwards.
 */
function convertSchemas() {
  const registry = z.registry<{ id: string }>();
  const ids = new Map<z.ZodType, string>();
  for (const [id, schema] of Object.entries(namedSchemas)) {
    registry.add(schema, { id });
    ids.set(schema, id);
  }
  const idOf = (schema: z.ZodType): string => {
    let id = ids.get(schema);
    if (id === undefined) {
      id = `${INLINE}${ids.size}`;
      registry.add(schema, { id });
      ids.set(schema, id);
    }
    return id;
  };
  const used = Object.values(operationDocs).flatMap((doc) => [doc.body, doc.form, ...Object.values(doc.success)]);
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
  const schemaFor = (schema: z.ZodType): JsonSchema => {
    const id = idOf(schema);
    return inline.get(id) ?? ref(id);
  };
  return { components, schemaFor };
}

function operationObject(route: Route, doc: OperationDoc, schemaFor: (schema: z.ZodType) => JsonSchema) {
  const json = (schema: z.ZodType) => ({ 'application/json': { schema: schemaFor(schema) } });

  const parameterNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const parameters = parameterNames.map((name) => {
    const parameter = pathParameters[name];
    if (!parameter) throw new Error(`No schema for path parameter {${name}} of ${route.operation}`);
    return {
      name,
      in: 'path',
      required: true,
      description: parameter.description,
      schema: schemaFor(parameter.schema),
    };
  });

  const responses: Record<number, unknown> = {};
  for (const [status, schema] of Object.entries(doc.success)) {
    responses[Number(status)] = {
      description: successDescriptions[Number(status)] ?? 'OK',
      ...(schema ? { content: json(schema) } : {}),
    };
  }
  const hasInput = doc.body !== undefined || parameterNames.length > 0;
  const errors: ErrorResponse[] =
    route.auth === 'iam'
      ? [
          ...(hasInput ? (['InvalidInput'] as const) : []),
          'Forbidden',
          ...(doc.body ? (['UnsupportedMediaType'] as const) : []),
          ...(doc.errors ?? []),
          'Throttled',
          'Unavailable',
        ]
      : [
          ...(doc.form ? (['OAuthInvalidRequest', 'OAuthInvalidClient'] as const) : []),
          ...(doc.errors ?? []),
          'Throttled',
          'OAuthUnavailable',
        ];
  for (const name of errors) responses[errorResponses[name].status] = { $ref: `#/components/responses/${name}` };

  const requestBody = doc.body
    ? { required: true, content: json(doc.body) }
    : doc.form
      ? { required: true, content: { 'application/x-www-form-urlencoded': { schema: schemaFor(doc.form) } } }
      : undefined;
  return {
    operationId: route.operation,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: [doc.tag],
    security: route.auth === 'iam' ? [{ sigv4: [] }] : doc.form ? [{ clientSecretBasic: [] }, {}] : [],
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

function componentResponses() {
  return Object.fromEntries(
    Object.entries(errorResponses).map(([name, response]) => [
      name,
      {
        description: response.description,
        ...('retryAfter' in response
          ? { headers: { 'Retry-After': { description: 'Seconds', schema: { type: 'integer' } } } }
          : {}),
        content: { 'application/json': { schema: ref(response.schema) } },
      },
    ]),
  );
}

export function buildOpenApiDocument(options: { serverUrl?: string } = {}): OpenApiDocument {
  const { components, schemaFor } = convertSchemas();
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operationObject(
      route,
      operationDocs[route.operation],
      schemaFor,
    );
  }
  return {
    openapi: '3.1.1',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'patgate',
      version,
      description:
        'Personal access tokens: a Logto-compatible Management API (API Gateway IAM auth, SigV4) and ' +
        'RFC 8693 token exchange of personal access tokens for JWT access tokens.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags,
    paths,
    components: { schemas: components, responses: componentResponses(), securitySchemes },
  };
}
