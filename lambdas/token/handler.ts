import { createHandler } from '../shared/http/handler';
import { OAuthError } from '../shared/http/errors';
import { countMetric, logger } from '../shared/observability';
import { warmSigningKey } from '../shared/signing/jwt-signer';
import { exchangeToken } from './exchange';

// Init phase: resolve the signing key (GetPublicKey) before the first request needs it.
warmSigningKey();

export const handler = createHandler('token', 'oauth', {
  exchangeToken: async (event) => {
    try {
      const response = await exchangeToken(event);
      countMetric('TokenExchangeSucceeded');
      return response;
    } catch (error) {
      const reason = error instanceof OAuthError ? error.error : 'server_error';
      if (error instanceof OAuthError)
        logger.info('token request rejected', { error: reason, description: error.description });
      countMetric('TokenExchangeFailed');
      countMetric('TokenExchangeFailed', { reason });
      throw error;
    }
  },
});
