/** Personal access token management (Logto-compatible). */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { generatePatValue, hashPatValue } from '../shared/crypto/pat-value';
import { apiErrors } from '../shared/errors';
import { json, noContent, noStore } from '../shared/http/responses';
import { jsonBody, patNameParameter, userIdParameter } from '../shared/management/request';
import { createPatSchema, deletePatSchema, renamePatByPathSchema, renamePatSchema } from '../shared/management/schemas';
import * as store from '../shared/store/pats';
import { getUser } from '../shared/store/users';
import { audit } from './audit';
import { purgeInline } from './purge';
import { patView as view } from './views';

export async function createPersonalAccessToken(event: APIGatewayProxyEvent) {
  const userId = userIdParameter(event);
  const body = jsonBody(event, createPatSchema);
  const now = Date.now();
  if (body.expiresAt != null && body.expiresAt <= now) {
    throw apiErrors.invalidRequest('expiresAt must be in the future (epoch milliseconds).');
  }
  const value = generatePatValue();
  const pat = {
    userId,
    name: body.name,
    tokenHash: hashPatValue(value),
    createdAt: now,
    expiresAt: body.expiresAt ?? null,
    scopes: body.scopes ?? null,
  };
  const result = await store.createPat(pat);
  if (result === 'owner_not_found') throw apiErrors.patOwnerNotFound();
  if (result === 'name_exists') throw apiErrors.patNameExists();
  audit('pat.created', { userId, name: pat.name, expiresAt: pat.expiresAt });
  const { tokenHash: _hash, ...created } = pat;
  // The value is shown this once; responses carrying it must not be cached anywhere.
  return json(201, { ...created, value }, noStore);
}

export async function listPersonalAccessTokens(event: APIGatewayProxyEvent) {
  const owner = await getUser(userIdParameter(event));
  if (!owner) throw apiErrors.userOfListNotFound();
  return json(200, (await store.listPats(owner)).map(view));
}

async function rename(userId: string, currentName: string, name: string) {
  const result = await store.renamePat(userId, currentName, name);
  if (result.status === 'owner_not_found') throw apiErrors.userOfListNotFound();
  if (result.status === 'not_found') throw apiErrors.notFound('The personal access token does not exist.');
  if (result.status === 'name_exists') throw apiErrors.patNameExists();
  audit('pat.renamed', { userId, from: currentName, to: name });
  return json(200, view(result.pat));
}

export async function renamePersonalAccessToken(event: APIGatewayProxyEvent) {
  const userId = userIdParameter(event);
  const { name, currentName } = jsonBody(event, renamePatSchema);
  // Logto: currentName defaults to name (a rename to itself, answering the PAT if it exists).
  return rename(userId, currentName ?? name, name);
}

export async function renamePersonalAccessTokenByPath(event: APIGatewayProxyEvent) {
  const userId = userIdParameter(event);
  const currentName = patNameParameter(event);
  const { name } = jsonBody(event, renamePatByPathSchema);
  return rename(userId, currentName, name);
}

async function remove(userId: string, name: string) {
  const result = await store.deletePat(userId, name);
  if (result === 'owner_not_found') throw apiErrors.userOfListNotFound();
  if (result === 'not_found') throw apiErrors.patToDeleteNotFound();
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

/** One write revokes them all (a new PAT epoch); removing the items is bounded cleanup, as for a deleted user. */
export async function revokeAllPersonalAccessTokens(event: APIGatewayProxyEvent) {
  const userId = userIdParameter(event);
  const ended = await store.revokeAllPats(userId, Date.now());
  if (!ended) throw apiErrors.userOfListNotFound();
  const purged = await purgeInline(ended);
  audit('pat.revoked_all', { userId, patsPurged: purged ? 'all' : 'pending' });
  return noContent();
}
