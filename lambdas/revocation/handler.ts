/**
 * The revocation function: RFC 7662 introspection, RFC 7009 revocation (client-authenticated, as the token
 * endpoint) and the public leaked-credential revocation. Its own function so that the token function keeps
 * its read-only grants.
 */
import { createHandler } from '../shared/http/handler';
import { formRequest } from '../shared/http/request';
import { errorResponse, json, noStore } from '../shared/http/responses';
import { ApiError } from '../shared/errors';
import { jsonBody } from '../shared/management/request';
import { revokeCredentialsSchema } from '../shared/management/schemas';
import { logger } from '../shared/observability';
import { revokeCredentials } from './credentials';
import { introspect, revoke } from './tokens';

export const handler = createHandler('revocation', 'oauth', {
  introspectToken: async (event) => json(200, await introspect(formRequest(event), Date.now()), noStore),
  revokeToken: async (event) => {
    const outcome = await revoke(formRequest(event));
    logger.info('revocation', { outcome });
    // RFC 7009 §2.2: 200 whether or not the token was valid (an empty body).
    return { statusCode: 200, headers: { ...noStore }, body: '' };
  },
  revokeCredentials: async (event) => {
    let credentials: string[];
    try {
      credentials = jsonBody(event, revokeCredentialsSchema).credentials;
    } catch (error) {
      // Not an OAuth endpoint: its input errors are the Management API's JSON (`guard.invalid_input`).
      if (error instanceof ApiError) return errorResponse('management', error);
      throw error;
    }
    await revokeCredentials(credentials);
    // The same answer whatever was real: no oracle.
    return json(202, {}, noStore);
  },
});
