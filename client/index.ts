/** patgate's typed client: the Management API (SigV4-signed), token exchange and access token verification. */
export {
  PatgateApiError,
  PatgateClient,
  PatgateOAuthError,
  regionOfEndpoint,
  type ExchangeInput,
  type PatgateClientOptions,
} from './management-client';
export { defaultCredentials } from './credentials';
export {
  buildRequest,
  type ManagementOperation,
  type ManagementRequest,
  type RequestInput,
  type ResponseBody,
} from './requests';
export {
  PatgateNetworkError,
  sendRequest,
  type RawResponse,
  type RequestOptions,
  type SigningOptions,
} from './signed-fetch';
export { createAccessTokenVerifier, type AccessTokenClaims, type AccessTokenVerifierOptions } from './verify';
export type * from './types';
