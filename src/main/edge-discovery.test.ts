// Finding a school edge on the LAN: announcements parsed as untrusted input (table), and a real DNS-SD round trip —
// an edge announced with bonjour-service on this machine's network is found with its school and an http URL.
import { Bonjour } from 'bonjour-service';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { EDGE_SERVICE_TYPE } from '../shared/edge-protocol.ts';
import { createEdgeDiscovery, edgeFromService, type EdgeDiscovery } from './edge-discovery.ts';

const service = { name: '昭觉本校服务器', port: 8788, addresses: ['192.168.1.10', 'fe80::1'], txt: { school: 'sch-zj' }, referer: undefined };

describe('edge announcements', () => {
  it.each([
    ['a good one', service, { url: 'http://192.168.1.10:8788', schoolId: 'sch-zj', name: '昭觉本校服务器' }],
    ['IPv6 only, address from the referer', { ...service, addresses: ['fe80::1'], referer: { address: '10.0.0.7', family: 'IPv4' as const, port: 5353, size: 1 } }, { url: 'http://10.0.0.7:8788', schoolId: 'sch-zj', name: '昭觉本校服务器' }],
    ['no IPv4 at all', { ...service, addresses: ['fe80::1'] }, null],
    ['no school', { ...service, txt: {} }, null],
    ['a school id with a path in it', { ...service, txt: { school: '../sch-zj' } }, null],
    ['a school id as a number', { ...service, txt: { school: 42 } }, null],
    ['a port out of range', { ...service, port: 70_000 }, null],
  ])('%s', (_label, announced, expected) => expect(edgeFromService(announced)).toEqual(expected));

  it('cuts a long name to 100 characters rather than refusing the edge', () => {
    expect(edgeFromService({ ...service, name: '校'.repeat(300) })?.name).toHaveLength(100);
  });
});

const lanAddress = Object.values(networkInterfaces()).flat().find((i) => i?.family === 'IPv4' && !i.internal)?.address;
let discovery: EdgeDiscovery | undefined;
let announcer: Bonjour | undefined;
afterEach(() => {
  discovery?.close();
  announcer?.destroy();
});

describe.skipIf(!lanAddress)('DNS-SD on this machine', () => {
  it('finds an edge announced on the LAN, with its school', async () => {
    announcer = new Bonjour();
    const name = `edge-test-${process.pid}`;
    announcer.publish({ name, type: EDGE_SERVICE_TYPE, port: 18788, txt: { school: 'sch-zj' } });
    discovery = createEdgeDiscovery({ waitMs: 300 });
    const deadline = Date.now() + 10_000;
    let found = (await discovery.discover()).find((e) => e.name === name);
    while (!found && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200)); // polling a multicast answer, not timing an assertion
      found = (await discovery.discover()).find((e) => e.name === name);
    }
    expect(found).toMatchObject({ schoolId: 'sch-zj', url: expect.stringMatching(/^http:\/\/\d+\.\d+\.\d+\.\d+:18788$/) as unknown });
  });
});
