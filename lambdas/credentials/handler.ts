/**
 * The leaked-credential function: POST /credentials/revoke, public, for secret scanners. Its own function, apart
 * from introspection and revocation: it needs no signing keys and no client authentication, only the PAT lookups it
 * deletes, and its bundle carries no JWT verification.
 */
import { createHandler } from '../shared/http/handler';
import { json, noStore } from '../shared/http/responses';
import { jsonBody } from '../shared/management/request';
import { revokeCredentialsSchema } from '../shared/management/schemas';
import { revokeCredentials } from './revoke';

// Not an OAuth endpoint: its input errors are the Management API's JSON (`guard.invalid_input`).
export const handler = createHandler('credentials', 'management', {
  revokeCredentials: async (event, caller) => {
    await revokeCredentials(caller, jsonBody(event, revokeCredentialsSchema).credentials);
    // The same answer whatever was real: no oracle.
    return json(202, {}, noStore);
  },
});
