// Authorisation by construction. Who may call a route is decided by the group it is registered in, never by its URL:
// each group is an encapsulated Fastify context whose onRequest hook (its guard) runs for every request Fastify routes
// to any route of that group — including the HEAD twin of a GET, a percent-encoded path (`/v1/%61dmin/…`) and an
// absolute-form target, because Fastify routes on the decoded path and the hook belongs to the route, not the string.
// Every route must belong to a group: the route table refuses to start a hub with a route registered outside one.
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';

/**
 * public: anyone (health, enroll, the console page, the update feed); device: a device's bearer token; edge: a school
 * edge's bearer token (hub/edge/); admin: the admin token in the Authorization header; admin-page: the same token, also accepted as `?key=` (the report page);
 * cluster: another hub node, with the shared cluster secret (cross-node live piping); staff: a signed-in staff account's
 * session cookie (+ CSRF token on writes), its scope resolved once per request (hub/features/staff/staff-auth.ts).
 */
export type Access = 'public' | 'device' | 'edge' | 'admin' | 'admin-page' | 'cluster' | 'staff';

/**
 * `credential`: the route checks a credential (every route of a guarded group; a public route that takes one in its
 * body, like enrollment, says so with `config: { credential: true }`). Each must answer `rate_limited` once a caller
 * has failed too often: rate-limits.test.ts walks this list, so a new credential route is covered without being named.
 */
export type HubRoute = { method: string; url: string; access: Access; credential: boolean };

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  interface FastifyContextConfig {
    credential?: boolean;
  }
}

/** CORS preflight (`OPTIONS *`, @fastify/cors): answers with CORS headers only, never runs a route's handler. */
const PREFLIGHT = { method: 'OPTIONS', url: '*' };

/** The guard of each group; public has none. */
export type Guards = Record<Exclude<Access, 'public'>, onRequestAsyncHookHandler>;

export type RouteTable = {
  /** Registers `register`'s routes in a new encapsulated context behind the group's guard. */
  group(access: Access, register: (group: FastifyInstance) => void | Promise<void>): Promise<void>;
  readonly routes: readonly HubRoute[];
};

export function createRouteTable(app: FastifyInstance, guards: Partial<Guards>, onRoute: (route: HubRoute) => void = () => {}): RouteTable {
  const routes: HubRoute[] = [];
  const seen: { method: string; url: string }[] = [];
  // The root hook sees every route, grouped or not; the groups' hooks say which group each belongs to.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) seen.push({ method, url: route.url ?? route.path });
  });
  app.addHook('onReady', async () => {
    const grouped = new Set(routes.map((r) => `${r.method} ${r.url}`));
    const stray = seen.filter((r) => !grouped.has(`${r.method} ${r.url}`) && !(r.method === PREFLIGHT.method && r.url === PREFLIGHT.url));
    if (stray.length > 0) throw new Error(`routes outside an access group: ${stray.map((r) => `${r.method} ${r.url}`).join(', ')}`);
  });

  return {
    routes,
    async group(access, register) {
      await app.register(async (group) => {
        group.addHook('onRoute', (route) => {
          for (const method of [route.method].flat()) {
            const entry: HubRoute = { method, url: route.url ?? route.path, access, credential: access !== 'public' || route.config?.credential === true };
            routes.push(entry);
            onRoute(entry);
          }
        });
        if (access !== 'public') {
          const guard = guards[access];
          if (!guard) throw new Error(`access group ${access} has no guard on this server`);
          group.addHook('onRequest', guard);
        }
        await register(group);
      });
    },
  };
}
