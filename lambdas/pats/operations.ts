/** Personal access token management (Logto-compatible). */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { generatePatValue, hashPatValue } from '../shared/crypto/pat-value';
import { apiErrors } from '../shared/errors';
import { json, noContent, noStore } from '../shared/http/responses';
import { jsonBody, patNameParameter, userIdParameter } from '../shared/management/request';
import {
  createPatSchema,
  deletePatSchema,
  listPatsQuerySchema,
  renamePatByPathSchema,
  renamePatSchema,
  rotatePatSchema,
} from '../shared/management/schemas';
import { validate } from '../shared/management/request';
import { env } from '../shared/config';
import { policyExpiry, type Pat, type PatPolicy } from '../shared/model/pat';
import type { AuditCaller } from '../shared/store/audit';
import * as store from '../shared/store/pats';
import { getUser } from '../shared/store/users';
import { audit } from './audit';
import { purgeInline } from './purge';
import { patView as view } from './views';

export async function createPersonalAccessToken(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const userId = userIdParameter(event);
  const body = jsonBody(event, createPatSchema);
  const now = Date.now();
  if (body.expiresAt != null && body.expiresAt <= now) {
    throw apiErrors.invalidRequest('expiresAt must be in the future (epoch milliseconds).');
  }
  const policy = env.patPolicy();
  const expiry = policyExpiry(body.expiresAt, now, policy);
  if ('message' in expiry) throw apiErrors.invalidRequest(expiry.message);
  const value = generatePatValue();
  const pat = {
    userId,
    name: body.name,
    tokenHash: hashPatValue(value),
    createdAt: now,
    expiresAt: expiry.expiresAt,
    scopes: body.scopes ?? null,
  };
  const result = await store.createPat(caller, pat, patLimit(policy, now));
  if (result === 'owner_not_found') throw apiErrors.patOwnerNotFound();
  if (result === 'name_exists') throw apiErrors.patNameExists();
  if (typeof result === 'object') throw tooMany(result.tooMany, policy);
  audit('pat.created', { userId, name: pat.name, expiresAt: pat.expiresAt });
  const { tokenHash: _hash, ...created } = pat;
  // The value is shown this once; responses carrying it must not be cached anywhere.
  return json(201, { ...created, value }, noStore);
}

/** maxPerUser counts the user's live PATs (not expired, not revoked); the store enforces it atomically. */
const patLimit = (policy: PatPolicy, now: number) =>
  policy.maxPerUser === null ? undefined : { maxPerUser: policy.maxPerUser, now };

const tooMany = (live: number, policy: PatPolicy) =>
  apiErrors.invalidRequest(
    `The user has ${live} live personal access tokens, the most this deployment allows (${policy.maxPerUser}); delete one first.`,
  );

export async function listPersonalAccessTokens(event: APIGatewayProxyEvent) {
  const owner = await getUser(userIdParameter(event));
  if (!owner) throw apiErrors.userOfListNotFound();
  const { unusedSince, expiringBefore } = validate(listPatsQuerySchema, event.queryStringParameters ?? {}, 'query');
  const pats = (await store.listPats(owner)).filter(
    (pat) =>
      (unusedSince === undefined || pat.lastUsedAt === null || pat.lastUsedAt < unusedSince) &&
      (expiringBefore === undefined || (pat.expiresAt !== null && pat.expiresAt < expiringBefore)),
  );
  return json(200, pats.map(view));
}

/**
 * A new value for the PAT, shown once. The old value keeps working for graceSeconds (default 0), then
 * presenting it counts as reuse (see store.revokeOnReuse).
 */
export async function rotatePersonalAccessToken(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const userId = userIdParameter(event);
  const name = patNameParameter(event);
  const body = jsonBody(event, rotatePatSchema);
  const now = Date.now();
  const policy = env.patPolicy();
  const graceMs = (body.graceSeconds ?? 0) * 1000;
  if (graceMs > policy.maxRotationGraceMs) {
    throw apiErrors.invalidRequest(
      `graceSeconds must be at most ${policy.maxRotationGraceMs / 1000}, the longest grace this deployment allows.`,
    );
  }
  if (body.expiresAt != null && body.expiresAt <= now) {
    throw apiErrors.invalidRequest('expiresAt must be in the future (epoch milliseconds).');
  }
  const expiresAt = (pat: Pat) => {
    // The PAT keeps its expiry unless the request gives one; either must be within the policy.
    const requested = body.expiresAt !== undefined ? body.expiresAt : pat.expiresAt;
    if (requested !== null && requested <= now) {
      throw apiErrors.invalidRequest('The personal access token has expired: give a new expiresAt to rotate it.');
    }
    const expiry = policyExpiry(requested, now, policy);
    if ('message' in expiry) throw apiErrors.invalidRequest(expiry.message);
    return expiry.expiresAt;
  };
  const value = generatePatValue();
  const result = await store.rotatePat(
    caller,
    userId,
    name,
    { tokenHash: hashPatValue(value), expiresAt, now, graceMs },
    patLimit(policy, now),
  );
  if (result.status === 'owner_not_found') throw apiErrors.userOfListNotFound();
  if (result.status === 'not_found') throw apiErrors.notFound('The personal access token does not exist.');
  if (result.status === 'revoked') {
    throw apiErrors.invalidRequest('The personal access token was revoked; delete it and create a new one.');
  }
  if (result.status === 'too_many') throw tooMany(result.live, policy);
  audit('pat.rotated', { userId, name, expiresAt: result.pat.expiresAt, graceSeconds: graceMs / 1000 });
  return json(200, { ...view(result.pat), value }, noStore);
}

async function rename(caller: AuditCaller, userId: string, currentName: string, name: string) {
  const result = await store.renamePat(caller, userId, currentName, name, patLimit(env.patPolicy(), Date.now()));
  if (result.status === 'owner_not_found') throw apiErrors.userOfListNotFound();
  if (result.status === 'not_found') throw apiErrors.notFound('The personal access token does not exist.');
  if (result.status === 'name_exists') throw apiErrors.patNameExists();
  audit('pat.renamed', { userId, from: currentName, to: name });
  return json(200, view(result.pat));
}

export async function renamePersonalAccessToken(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const userId = userIdParameter(event);
  const { name, currentName } = jsonBody(event, renamePatSchema);
  // Logto: currentName defaults to name (a rename to itself, answering the PAT if it exists).
  return rename(caller, userId, currentName ?? name, name);
}

export async function renamePersonalAccessTokenByPath(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const userId = userIdParameter(event);
  const currentName = patNameParameter(event);
  const { name } = jsonBody(event, renamePatByPathSchema);
  return rename(caller, userId, currentName, name);
}

async function remove(caller: AuditCaller, userId: string, name: string) {
  const result = await store.deletePat(caller, userId, name);
  if (result === 'owner_not_found') throw apiErrors.userOfListNotFound();
  if (result === 'not_found') throw apiErrors.patToDeleteNotFound();
  audit('pat.deleted', { userId, name });
  return noContent();
}

export async function deletePersonalAccessToken(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const userId = userIdParameter(event);
  return remove(caller, userId, jsonBody(event, deletePatSchema).name);
}

export async function deletePersonalAccessTokenByPath(event: APIGatewayProxyEvent, caller: AuditCaller) {
  return remove(caller, userIdParameter(event), patNameParameter(event));
}

/** One write revokes them all (a new PAT epoch); removing the items is bounded cleanup, as for a deleted user. */
export async function revokeAllPersonalAccessTokens(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const userId = userIdParameter(event);
  const ended = await store.revokeAllPats(caller, userId, Date.now());
  if (!ended) throw apiErrors.userOfListNotFound();
  const purged = await purgeInline(ended);
  audit('pat.revoked_all', { userId, patsPurged: purged ? 'all' : 'pending' });
  return noContent();
}
