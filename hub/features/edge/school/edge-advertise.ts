// The edge announces itself on the school LAN by DNS-SD (`_ykt-edge._tcp`, TXT `school=<schoolId>`), so classroom PCs
// of its school find it without IT typing an address (src/main/edge-discovery.ts). bonjour-service: pure JS mDNS.
import { Bonjour } from 'bonjour-service';
import { EDGE_SERVICE_TYPE } from '../../../../src/shared/edge-protocol.ts';

export function advertiseEdge(input: { name: string; port: number; schoolId: string }): () => void {
  const bonjour = new Bonjour();
  bonjour.publish({ name: input.name, type: EDGE_SERVICE_TYPE, port: input.port, txt: { school: input.schoolId, v: '1' } });
  return () => bonjour.unpublishAll(() => bonjour.destroy());
}
