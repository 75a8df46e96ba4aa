/** The token function: converts the API Gateway event in and the response out; the exchange knows neither. */
import { createHandler } from '../shared/http/handler';
import { formRequest } from '../shared/http/request';
import { json, noStore, toOAuthError } from '../shared/http/responses';
import { countMetric, infoCounting, logger } from '../shared/observability';
import { warmSigningKey } from '../shared/signing/jwt-signer';
import { exchangeToken } from './exchange';
import { getSelfPersonalAccessToken, revokeSelfPersonalAccessToken } from './self-service';
import { parseTokenRequest } from './token-request';

// Init phase: resolve the signing key (GetPublicKey) before the first request needs it.
warmSigningKey();

export const handler = createHandler('token', 'oauth', {
  getSelfPersonalAccessToken,
  revokeSelfPersonalAccessToken,
  exchangeToken: async (event, caller) => {
    try {
      const issued = await exchangeToken(parseTokenRequest(formRequest(event)), Date.now(), { caller });
      infoCounting('token issued', 'TokenExchangeSucceeded', {
        sub: issued.claims.sub,
        clientId: issued.claims.client_id,
        patName: issued.patName,
        kid: issued.kid,
        aud: issued.claims.aud,
        scope: issued.claims.scope,
      });
      return json(200, issued.response, noStore);
    } catch (error) {
      // The same classification the response gets (shared/http/responses.ts), so metrics and clients agree.
      const { error: reason, description } = toOAuthError(error);
      if (reason !== 'server_error' && reason !== 'temporarily_unavailable') {
        logger.info('token request rejected', { error: reason, description });
      }
      countMetric('TokenExchangeFailed');
      countMetric('TokenExchangeFailed', { reason });
      throw error;
    }
  },
});
