/** Personal access token management (Logto-compatible) and the user's suspended flag. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { generatePatValue, hashPatValue } from '../shared/crypto/pat-value';
import { apiErrors } from '../shared/http/errors';
import { json, noContent, noStore } from '../shared/http/responses';
import { jsonBody, patNameParameter, userIdParameter } from '../shared/management/request';
import {
  createPatSchema,
  deletePatSchema,
  renamePatByPathSchema,
  renamePatSchema,
  setSuspendedSchema,
} from '../shared/management/schemas';
import { countMetric, logger } from '../shared/observability';
import * as store from '../shared/store/pats';

const patNotFound = () => apiErrors.notFound('The personal access token does not exist.');

/** The public view of a PAT: everything but its hash. */
function view(pat: store.Pat) {
  return {
    userId: pat.userId,
    name: pat.name,
    createdAt: pat.createdAt,
    expiresAt: pat.expiresAt,
    scopes: pat.scopes,
    lastUsedAt: pat.lastUsedAt,
  };
}

function audit(action: string, details: Record<string, unknown>) {
  countMetric('ManagementAction', { action });
  logger.info(action, details);
}

export async function createPersonalAccessToken(event: APIGatewayProxyEvent) {
  const userId = userIdParameter(event);
  const body = jsonBody(event, createPatSchema);
  const value = generatePatValue();
  const pat = {
    userId,
    name: body.name,
    tokenHash: hashPatValue(value),
    createdAt: Date.now(),
    expiresAt: body.expiresAt ?? null,
    scopes: body.scopes ?? null,
  };
  if ((await store.createPat(pat)) === 'name_exists') throw apiErrors.patNameExists();
  audit('pat.created', { userId, name: pat.name, expiresAt: pat.expiresAt });
  const { tokenHash: _hash, ...created } = pat;
  // The value is shown this once; responses carrying it must not be cached anywhere.
  return json(201, { ...created, value }, noStore);
}

export async function listPersonalAccessTokens(event: APIGatewayProxyEvent) {
  const userId = userIdParameter(event);
  return json(200, (await store.listPats(userId)).map(view));
}

async function rename(userId: string, currentName: string, name: string) {
  const result = await store.renamePat(userId, currentName, name);
  if (result.status === 'not_found') throw patNotFound();
  if (result.status === 'name_exists') throw apiErrors.patNameExists();
  audit('pat.renamed', { userId, from: currentName, to: name });
  return json(200, view(result.pat));
}

export async function renamePersonalAccessToken(event: APIGatewayProxyEvent) {
  const userId = userIdParameter(event);
  const { name, currentName } = jsonBody(event, renamePatSchema);
  return rename(userId, currentName, name);
}

export async function renamePersonalAccessTokenByPath(event: APIGatewayProxyEvent) {
  const userId = userIdParameter(event);
  const currentName = patNameParameter(event);
  const { name } = jsonBody(event, renamePatByPathSchema);
  return rename(userId, currentName, name);
}

async function remove(userId: string, name: string) {
  if (!(await store.deletePat(userId, name))) throw patNotFound();
  audit('pat.deleted', { userId, name });
  return noContent();
}

export async function deletePersonalAccessToken(event: APIGatewayProxyEvent) {
  const userId = userIdParameter(event);
  return remove(userId, jsonBody(event, deletePatSchema).name);
}

export async function deletePersonalAccessTokenByPath(event: APIGatewayProxyEvent) {
  return remove(userIdParameter(event), patNameParameter(event));
}

export async function revokeAllPersonalAccessTokens(event: APIGatewayProxyEvent) {
  const userId = userIdParameter(event);
  const count = await store.deleteAllPats(userId);
  audit('pat.revoked_all', { userId, count });
  return noContent();
}

export async function setUserSuspended(event: APIGatewayProxyEvent) {
  const userId = userIdParameter(event);
  const { isSuspended } = jsonBody(event, setSuspendedSchema);
  await store.setUserSuspended(userId, isSuspended);
  audit(isSuspended ? 'user.suspended' : 'user.unsuspended', { userId });
  return json(200, { id: userId, isSuspended });
}
