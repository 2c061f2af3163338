// The load's push request on node:http with a keep-alive agent instead of fetch: the generator shares the machine's two
// cores with the hubs and PostgreSQL it measures, and fetch (undici) spent about twice the CPU per request. The wire is
// the same as the app's (POST /v1/sync/push, bearer token, protocol header, JSON), and the answer is checked as
// strictly (PushResponse); a failure is a HubCallError as from classroom-sim.ts, so retries work unchanged.
import { Agent, request } from 'node:http';
import { ErrorResponse, HubPaths, PROTOCOL_HEADER, PROTOCOL_VERSION, PushResponse, type OpAck } from '../../src/shared/protocol.ts';
import { HubCallError } from '../../tests/support/classroom-sim.ts';

export function createLeanPush(baseUrl: string, maxSockets: number) {
  const base = new URL(baseUrl);
  if (base.protocol !== 'http:') throw new Error(`lean push speaks plain HTTP to the balancer, not ${base.protocol}`);
  const agent = new Agent({ keepAlive: true, maxSockets });
  return {
    push: (token: string, body: string, timeoutMs = 60_000): Promise<OpAck[]> =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            agent,
            host: base.hostname,
            port: base.port,
            method: 'POST',
            path: HubPaths.push,
            headers: { authorization: `Bearer ${token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
            timeout: timeoutMs,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', (e) => reject(new HubCallError(0, 'network', e.message)));
            res.on('end', () => {
              let json: unknown;
              try {
                json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              } catch {
                return reject(new HubCallError(res.statusCode ?? 0, 'invalid_response', 'not JSON'));
              }
              if (res.statusCode !== 200) {
                const error = ErrorResponse.safeParse(json);
                return reject(error.success ? new HubCallError(res.statusCode ?? 0, error.data.error.code, error.data.error.message) : new HubCallError(res.statusCode ?? 0, 'invalid_response', `HTTP ${res.statusCode}`));
              }
              const answer = PushResponse.safeParse(json);
              if (!answer.success || !answer.data.acks) return reject(new HubCallError(200, 'invalid_response', 'push answer without acks'));
              resolve(answer.data.acks);
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', (e) => reject(new HubCallError(0, 'network', e.message)));
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}
