/**
 * The revocation function: RFC 7662 introspection and RFC 7009 revocation (client-authenticated, as the token
 * endpoint). Its own function so that the token function keeps its read-only grants.
 */
import { createHandler } from '../shared/http/handler';
import { formRequest } from '../shared/http/request';
import { errorResponse, json, noStore } from '../shared/http/responses';
import { logger } from '../shared/observability';
import { introspect, revoke } from './tokens';

export const handler = createHandler('revocation', 'oauth', {
  introspectToken: async (event) => json(200, await introspect(formRequest(event), Date.now()), noStore),
  revokeToken: async (event, caller) => {
    const outcome = await revoke(caller, formRequest(event));
    logger.info('revocation', { outcome });
    // RFC 7009 §2.2: 200 whether or not the token was valid (an empty body).
    return { statusCode: 200, headers: { ...noStore }, body: '' };
  },
});
