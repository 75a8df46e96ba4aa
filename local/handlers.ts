/** The production handlers, loaded lazily the way Lambda loads a function on its first invocation. */
import type { HandlerName } from '../lambdas/routes';
import type { ProxyHandler } from './gateway/server';

const modules: Record<HandlerName, () => Promise<{ handler: unknown }>> = {
  token: () => import('../lambdas/token/handler'),
  discovery: () => import('../lambdas/discovery/handler'),
  pats: () => import('../lambdas/pats/handler'),
  admin: () => import('../lambdas/admin/handler'),
  revocation: () => import('../lambdas/revocation/handler'),
  credentials: () => import('../lambdas/credentials/handler'),
  organizations: () => import('../lambdas/organizations/handler'),
};

export async function loadHandler(name: HandlerName): Promise<ProxyHandler> {
  const { handler } = await modules[name]();
  return handler as ProxyHandler;
}
