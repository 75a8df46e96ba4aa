/** Protocol identifiers shared by the token endpoint and the discovery documents. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const PAT_TOKEN_TYPE = 'urn:logto:token-type:personal_access_token';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Without a resource, tokens may only carry OpenID Connect's standard scopes. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'phone', 'address'] as const;
