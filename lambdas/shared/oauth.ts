/** Protocol identifiers shared by the token endpoint and the discovery documents. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const PAT_TOKEN_TYPE = 'urn:logto:token-type:personal_access_token';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Without a resource, tokens may only carry OpenID Connect's standard scopes. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'phone', 'address'] as const;

/**
 * Longest accepted resource indicator, in UTF-8 bytes: the indicator is part of a DynamoDB partition
 * key (`RESIND#…`, at most 2048 bytes), so a limit in characters would let multi-byte ones break it.
 */
export const MAX_RESOURCE_INDICATOR_BYTES = 1000;

/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
export const SCOPE_TOKEN_PATTERN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/** Longest scope token patgate stores. */
export const MAX_SCOPE_TOKEN_LENGTH = 128;

/** Ids patgate generates for applications (client ids) and resources; anything else can't exist. */
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
