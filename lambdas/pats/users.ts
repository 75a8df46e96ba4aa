/** Users (Logto-compatible Management API). */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { randomString } from '../shared/crypto/secrets';
import { apiErrors } from '../shared/errors';
import { json, noContent } from '../shared/http/responses';
import { jsonBody, userIdParameter, validate } from '../shared/management/request';
import { createUserSchema, setSuspendedSchema, updateUserSchema } from '../shared/management/schemas';
import type { User, UserProfile } from '../shared/model/user';
import type { AuditCaller } from '../shared/store/audit';
import { newPatEpoch } from '../shared/store/pats';
import * as store from '../shared/store/users';
import { audit } from './audit';
import { purgeInline } from './purge';
import { userView } from './views';
import { pageOf, searched } from './pagination';

const LOWER_ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyz';

function written(result: store.UserWriteResult): User {
  switch (result.status) {
    case 'ok':
      return result.user;
    case 'not_found':
      throw apiErrors.userNotFound();
    case 'id_exists':
      throw apiErrors.userIdExists();
    case 'taken':
      throw apiErrors.identifierInUse(result.kind);
  }
}

const emptyToNull = (value: string | null | undefined) => (value === '' ? null : value);

export async function createUser(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const body = jsonBody(event, createUserSchema);
  const now = Date.now();
  const user = written(
    await store.createUser(caller, {
      id: body.id ?? randomString(12, LOWER_ALPHANUMERIC),
      username: body.username ?? null,
      primaryEmail: body.primaryEmail ?? null,
      primaryPhone: body.primaryPhone ?? null,
      name: body.name ?? null,
      avatar: emptyToNull(body.avatar) ?? null,
      customData: body.customData ?? {},
      isSuspended: false,
      createdAt: now,
      updatedAt: now,
      patEpoch: newPatEpoch(),
    }),
  );
  audit('user.created', { userId: user.id });
  // Logto answers 200 here, not 201.
  return json(200, userView(user));
}

export async function listUsers(event: APIGatewayProxyEvent) {
  const users = searched(event, 'search', await store.listUsers(), (user) => [
    user.id,
    user.username,
    user.primaryEmail,
    user.primaryPhone,
    user.name,
  ]);
  const newestFirst = [...users].sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
  const { items, headers } = pageOf(event, newestFirst);
  return json(200, items.map(userView), headers);
}

export async function getUser(event: APIGatewayProxyEvent) {
  const user = await store.getUser(userIdParameter(event));
  if (!user) throw apiErrors.userNotFound();
  return json(200, userView(user));
}

export async function updateUser(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const userId = userIdParameter(event);
  const body = jsonBody(event, updateUserSchema);
  const changes: Partial<UserProfile> = {};
  for (const field of ['username', 'primaryEmail', 'primaryPhone', 'name', 'avatar'] as const) {
    if (body[field] !== undefined) changes[field] = emptyToNull(body[field]);
  }
  if (body.customData !== undefined) changes.customData = body.customData;
  const user = written(await store.updateUser(caller, userId, changes));
  audit('user.updated', { userId, fields: Object.keys(changes) });
  return json(200, userView(user));
}

export async function setUserSuspended(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const userId = userIdParameter(event);
  const { isSuspended } = jsonBody(event, setSuspendedSchema);
  const user = await store.setSuspended(caller, userId, isSuspended);
  if (!user) throw apiErrors.userNotFound();
  audit(isSuspended ? 'user.suspended' : 'user.unsuspended', { userId });
  return json(200, userView(user));
}

export async function deleteUser(event: APIGatewayProxyEvent, caller: AuditCaller) {
  const userId = userIdParameter(event);
  const now = Date.now();
  const user = await store.deleteUser(caller, userId, now);
  if (!user) throw apiErrors.userNotFound();
  // The user's PATs stopped working with the delete; removing them is cleanup, bounded here.
  const purged = await purgeInline({ userId, patEpoch: user.patEpoch });
  audit('user.deleted', { userId, patsPurged: purged ? 'all' : 'pending' });
  return noContent();
}
