/** Applications (OAuth clients), API resources, and the OpenAPI document. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { env } from '../shared/config';
import { randomString, sha256Hex } from '../shared/crypto/secrets';
import { apiErrors } from '../shared/errors';
import { json, noContent, noStore } from '../shared/http/responses';
import { jsonBody } from '../shared/management/request';
import {
  createApplicationSchema,
  createResourceSchema,
  updateApplicationSchema,
  updateResourceSchema,
} from '../shared/management/schemas';
import { normalizeOverride } from '../shared/model/pat-policy';
import { isConfidential, type Application } from '../shared/model/application';
import type { ApiResource } from '../shared/model/resource';
import * as applications from '../shared/store/applications';
import type { AuditCaller } from '../shared/store/audit';
import { openApiDocument } from './openapi-document';
import * as resources from '../shared/store/resources';
import { idParam, logChange, newId } from '../shared/management/entities';

const idParameter = (event: APIGatewayProxyEvent) => idParam(event, 'id');

/** The public view of an application, Logto-shaped; the secret hash never leaves the store. */
function applicationView(app: Application) {
  return {
    id: app.id,
    name: app.name,
    description: app.description,
    type: app.type,
    isConfidential: isConfidential(app.type),
    customClientMetadata: { allowTokenExchange: app.allowTokenExchange },
    patPolicy: app.patPolicy ?? null,
    createdAt: app.createdAt,
  };
}

export async function createApplication(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const body = jsonBody(event, createApplicationSchema);
  const secret = isConfidential(body.type) ? randomString(32) : undefined;
  const app: Application = {
    id: newId(),
    name: body.name,
    description: body.description ?? null,
    type: body.type,
    secretHash: secret === undefined ? null : sha256Hex(secret),
    allowTokenExchange: body.customClientMetadata?.allowTokenExchange ?? false,
    patPolicy: normalizeOverride(body.patPolicy),
    createdAt: Date.now(),
  };
  await applications.putApplication(caller, app);
  logChange('application.created', { id: app.id, type: app.type, allowTokenExchange: app.allowTokenExchange });
  // The secret is shown this once; only its hash is stored.
  return json(201, { ...applicationView(app), ...(secret === undefined ? {} : { secret }) }, noStore);
}

export async function listApplications() {
  return json(200, (await applications.listApplications()).map(applicationView));
}

export async function getApplication(event: APIGatewayProxyEvent) {
  const app = await applications.getApplication(idParameter(event));
  if (!app) throw apiErrors.notFound('The application does not exist.');
  return json(200, applicationView(app));
}

export async function updateApplication(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParameter(event);
  const body = jsonBody(event, updateApplicationSchema);
  const app = await applications.updateApplication(caller, id, {
    name: body.name,
    description: body.description,
    allowTokenExchange: body.customClientMetadata?.allowTokenExchange,
    patPolicy: body.patPolicy === undefined ? undefined : normalizeOverride(body.patPolicy),
  });
  if (!app) throw apiErrors.notFound('The application does not exist.');
  logChange('application.updated', {
    id,
    allowTokenExchange: app.allowTokenExchange,
    patPolicy: app.patPolicy ?? null,
  });
  return json(200, applicationView(app));
}

export async function deleteApplication(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParameter(event);
  if (!(await applications.deleteApplication(caller, id))) throw apiErrors.notFound('The application does not exist.');
  logChange('application.deleted', { id });
  return noContent();
}

export async function createResource(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const body = jsonBody(event, createResourceSchema);
  const resource: ApiResource = {
    id: newId(),
    name: body.name,
    indicator: body.indicator,
    accessTokenTtl: body.accessTokenTtl ?? null,
    scopes: [],
    patPolicy: normalizeOverride(body.patPolicy),
    createdAt: Date.now(),
  };
  resource.scopes = body.scopes.map((name) => ({
    id: newId(),
    name,
    description: null,
    createdAt: resource.createdAt,
  }));
  if ((await resources.createResource(caller, resource)) === 'indicator_exists')
    throw apiErrors.resourceIndicatorExists();
  logChange('resource.created', { id: resource.id, indicator: resource.indicator });
  return json(201, resourceView(resource));
}

/** Scopes are entities (GET /api/resources/{id}/scopes); the resource itself lists their names, as before. */
const resourceView = (resource: ApiResource) => ({
  ...resource,
  scopes: resource.scopes.map((scope) => scope.name),
  patPolicy: resource.patPolicy ?? null,
});

export async function listResources() {
  return json(200, (await resources.listResources()).map(resourceView));
}

export async function getResource(event: APIGatewayProxyEvent) {
  const resource = await resources.getResource(idParameter(event));
  if (!resource) throw apiErrors.notFound('The API resource does not exist.');
  return json(200, resourceView(resource));
}

export async function updateResource(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParameter(event);
  const body = jsonBody(event, updateResourceSchema);
  const resource = await resources.updateResource(caller, id, {
    name: body.name,
    accessTokenTtl: body.accessTokenTtl,
    patPolicy: body.patPolicy === undefined ? undefined : normalizeOverride(body.patPolicy),
  });
  if (!resource) throw apiErrors.notFound('The API resource does not exist.');
  logChange('resource.updated', { id, patPolicy: resource.patPolicy ?? null });
  return json(200, resourceView(resource));
}

export async function deleteResource(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const id = idParameter(event);
  if (!(await resources.deleteResource(caller, id))) throw apiErrors.notFound('The API resource does not exist.');
  logChange('resource.deleted', { id });
  return noContent();
}

/** The generated document (openapi-document.ts); serving it keeps zod's JSON Schema conversion out of this bundle. */
export async function getOpenApiDocument() {
  // The issuer is `{base URL}/oidc`: the stage URL or custom domain the API is served at.
  return json(200, { ...openApiDocument(), servers: [{ url: env.issuer().replace(/\/oidc$/, '') }] });
}
