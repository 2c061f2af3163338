// The edge's enrollment with its county hub, kept in <data>/edge.json (mode 0600: the edge token is a credential):
// the county's address, the edge's id and token, and its school. The first start trades an admin-issued edge code for
// it; every later start just reads it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EdgeEnrollResponse, EdgePaths } from '../../../../src/shared/edge-protocol.ts';
import { ErrorResponse, PROTOCOL_HEADER, PROTOCOL_VERSION, School } from '../../../../src/shared/protocol.ts';

export const EdgeIdentity = z.object({ upstream: z.url(), edgeName: z.string().min(1), edgeId: z.string(), token: z.string(), school: School });
export type EdgeIdentity = z.infer<typeof EdgeIdentity>;

export const identityFile = (dataDir: string) => join(dataDir, 'edge.json');

export function readEdgeIdentity(dataDir: string): EdgeIdentity | undefined {
  const file = identityFile(dataDir);
  if (!existsSync(file)) return undefined;
  return EdgeIdentity.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export async function enrollEdgeUpstream(input: { dataDir: string; upstream: string; code: string; edgeName: string; fetch?: typeof fetch }): Promise<EdgeIdentity> {
  const upstream = input.upstream.replace(/\/+$/, '');
  const res = await (input.fetch ?? fetch)(`${upstream}${EdgePaths.enroll}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
    body: JSON.stringify({ code: input.code, edgeName: input.edgeName }),
    signal: AbortSignal.timeout(30_000),
  });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const refusal = ErrorResponse.safeParse(body);
    throw new Error(refusal.success ? `county hub refused the edge code: ${refusal.data.error.code} (${refusal.data.error.message})` : `county hub answered ${res.status}`);
  }
  const enrolled = EdgeEnrollResponse.parse(body);
  const identity: EdgeIdentity = { upstream, edgeName: input.edgeName, edgeId: enrolled.edgeId, token: enrolled.token, school: enrolled.school };
  writeFileSync(identityFile(input.dataDir), JSON.stringify(identity, null, 2), { mode: 0o600 });
  return identity;
}
