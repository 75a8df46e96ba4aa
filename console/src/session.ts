/**
 * Client secrets of applications created in this tab, so that "Try it" can use them. Held in memory
 * only: gone on reload, never written to storage. The API itself never returns a secret again.
 */
const secrets = new Map<string, string>();

export const sessionSecrets = {
  remember: (clientId: string, secret: string) => void secrets.set(clientId, secret),
  get: (clientId: string) => secrets.get(clientId),
  forget: (clientId: string) => void secrets.delete(clientId),
};
