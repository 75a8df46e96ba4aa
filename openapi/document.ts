/**
 * Builds the OpenAPI 3.1 document: paths, methods, parameters and auth from the route table; bodies and
 * responses from the zod schemas that validate requests and those describing responses (components.ts).
 */
import type { z } from 'zod';
import { version } from '../package.json';
import { routes, type Route } from '../lambdas/routes';
import * as requests from '../lambdas/shared/management/schemas';
import { convertSchemas, ref, type JsonSchema } from './components';
import { errorResponses, operationDocs, type ErrorResponse, type OperationDoc, type Tag } from './operations';

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers?: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** Path parameters by name, wherever they appear in the route table. */
const pathParameters: Record<string, { schema: z.core.$ZodType; description: string }> = {
  userId: { schema: requests.userIdSchema, description: 'The user id, percent-encoded' },
  name: { schema: requests.patNameSchema, description: 'The personal access token name, percent-encoded' },
  id: { schema: requests.idSchema, description: 'The application, API resource or role id' },
  scopeId: { schema: requests.idSchema, description: 'The scope id' },
  roleId: { schema: requests.idSchema, description: 'The role id' },
  organizationRoleId: { schema: requests.idSchema, description: 'The organization role id' },
  organizationScopeId: { schema: requests.idSchema, description: 'The organization scope id' },
};

const tags: { name: Tag; description: string }[] = [
  { name: 'Personal access tokens', description: 'Logto-compatible personal access token management (IAM auth)' },
  { name: 'Users', description: 'The users who may own personal access tokens, and their suspension (IAM auth)' },
  { name: 'Applications', description: 'OAuth clients that may exchange personal access tokens (IAM auth)' },
  { name: 'API resources', description: 'Audiences of access tokens, with their scopes and lifetimes (IAM auth)' },
  { name: 'Audit', description: 'Who changed what: every management change, kept for a year by default (IAM auth)' },
  { name: 'Roles', description: "Roles (sets of resource scopes) and users' roles: Logto's RBAC (IAM auth)" },
  {
    name: 'Organizations',
    description: 'Organizations, members, organization scopes and roles: organization tokens (IAM auth)',
  },
  { name: 'OAuth', description: 'Public token exchange, introspection, revocation, key set and discovery endpoints' },
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

function operationObject(route: Route, doc: OperationDoc, schemaFor: (schema: z.core.$ZodType) => JsonSchema) {
  const json = (schema: z.core.$ZodType) => ({ 'application/json': { schema: schemaFor(schema) } });

  const parameterNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const parameters: Record<string, unknown>[] = parameterNames.map((name) => {
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
  for (const [name, { schema, description }] of Object.entries(doc.query ?? {})) {
    parameters.push({ name, in: 'query', required: false, description, schema: schemaFor(schema) });
  }

  const responses: Record<number, unknown> = {};
  for (const [status, schema] of Object.entries(doc.success)) {
    responses[Number(status)] = {
      description: successDescriptions[Number(status)] ?? 'OK',
      ...(doc.headers ? { headers: doc.headers } : {}),
      ...(schema ? { content: json(schema) } : {}),
    };
  }
  const hasInput = doc.body !== undefined || parameters.length > 0;
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
