/** The route-table request builder and the one error mapping (client/requests.ts), with a recording transport. */
import { routes } from '../../lambdas/routes';
import { buildRequest, errorOf, managementApi, PatgateApiError, type ManagementRequest } from '../../client/requests';

const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status, headers: new Headers(headers), text, json };
};

describe('buildRequest', () => {
  it('takes the method and path from the route table and encodes path parameters', () => {
    expect(
      buildRequest('renamePersonalAccessTokenByPath', {
        params: { userId: 'u/1', name: 'a b%?' },
        body: { name: 'c' },
      }),
    ).toEqual({
      operation: 'renamePersonalAccessTokenByPath',
      method: 'PATCH',
      target: '/api/users/u%2F1/personal-access-tokens/a%20b%25%3F',
      body: '{"name":"c"}',
      headers: { 'content-type': 'application/json' },
    });
  });

  it('sends no body or content type without a body, and only the query parameters given', () => {
    expect(buildRequest('listUsers', { query: { page: 2, page_size: undefined, search: 'a&b' } })).toEqual({
      operation: 'listUsers',
      method: 'GET',
      target: '/api/users?page=2&search=a%26b',
      headers: {},
    });
    expect(buildRequest('listUsers', {}).target).toBe('/api/users');
  });

  it('builds every route of the table to its own method and path', () => {
    for (const route of routes) {
      const params = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name, `${name}-x`]));
      const request = buildRequest(route.operation, { params } as never);
      expect([request.method, request.target]).toEqual([route.method, route.path.replace(/\{(\w+)\}/g, '$1-x')]);
    }
  });

  it('refuses a missing path parameter', () => {
    expect(() => buildRequest('getUser', { params: {} } as never)).toThrow('getUser needs the path parameter userId.');
  });
});

describe('errorOf', () => {
  it('keeps a management error’s code, message and details', () => {
    const error = errorOf(reply(400, { code: 'guard.invalid_input', message: 'Bad.', details: [{ path: 'name' }] }));
    expect(error).toBeInstanceOf(PatgateApiError);
    expect([error.status, error.code, error.message, error.details]).toEqual([
      400,
      'guard.invalid_input',
      'Bad.',
      [{ path: 'name' }],
    ]);
  });

  it('names API Gateway’s own errors by their header, OAuth errors by `error`, anything else by status', () => {
    const gateway = errorOf(
      reply(403, { message: 'Signature mismatch' }, { 'x-amzn-errortype': 'InvalidSignatureException' }),
    );
    expect([gateway.code, gateway.message]).toEqual(['InvalidSignatureException', 'Signature mismatch']);
    const oauth = errorOf(
      reply(400, { error: 'invalid_grant', error_description: 'Expired.', code: 'oidc.invalid_grant' }),
    );
    expect([oauth.code, oauth.message]).toEqual(['invalid_grant', 'Expired.']);
    const html = errorOf(reply(502, '<html>Bad gateway</html>'));
    expect([html.code, html.message]).toEqual(['http.502', '<html>Bad gateway</html>']);
    expect(errorOf(reply(500)).message).toBe('HTTP 500');
  });
});

describe('managementApi', () => {
  function recording(answer: ReturnType<typeof reply>) {
    const sent: ManagementRequest[] = [];
    const api = managementApi(async (request) => {
      sent.push(request);
      return answer;
    });
    return { api, sent };
  }

  it('sends the built request and returns the success body', async () => {
    const { api, sent } = recording(reply(200, { id: 'app', customClientMetadata: { allowTokenExchange: true } }));
    await expect(api.applications.setTokenExchange('a b', true)).resolves.toMatchObject({ id: 'app' });
    expect(sent).toEqual([
      {
        operation: 'updateApplication',
        method: 'PATCH',
        target: '/api/applications/a%20b',
        body: '{"customClientMetadata":{"allowTokenExchange":true}}',
        headers: { 'content-type': 'application/json' },
      },
    ]);
  });

  it('reads a page’s total from Total-Number', async () => {
    const { api, sent } = recording(reply(200, [{ id: 'u' }], { 'total-number': '41' }));
    await expect(api.users.list({ page: 3, pageSize: 20 })).resolves.toEqual({ users: [{ id: 'u' }], total: 41 });
    expect(sent[0]?.target).toBe('/api/users?page=3&page_size=20');
  });

  it('throws PatgateApiError for anything but 2xx', async () => {
    const { api } = recording(reply(404, { code: 'entity.not_exists', message: 'No such user.' }));
    await expect(api.users.get('nobody')).rejects.toMatchObject({ status: 404, code: 'entity.not_exists' });
  });
});

// Type-level: each operation's input is typed from its route and its documentation (checked by `npm run typecheck`).
export function typedInputs() {
  // @ts-expect-error: getUser's path has {userId}
  buildRequest('getUser', {});
  // @ts-expect-error: createPersonalAccessToken's body is required
  buildRequest('createPersonalAccessToken', { params: { userId: 'u' } });
  // @ts-expect-error: setUserSuspended's body is { isSuspended: boolean }
  buildRequest('setUserSuspended', { params: { userId: 'u' }, body: { isSuspended: 'yes' } });
  // @ts-expect-error: listApplications takes no query
  buildRequest('listApplications', { query: { page: 1 } });
}
