import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { rtcListenInfos } from './live-sfu.ts';

const iface = (address: string, internal: boolean): NetworkInterfaceInfo => ({ address, internal, family: 'IPv4', netmask: '255.0.0.0', mac: '00:00:00:00:00:00', cidr: null });
const interfaces = { lo: [iface('127.0.0.1', true), { ...iface('::1', true), family: 'IPv6' as const, scopeid: 0 }], eth0: [iface('10.1.2.3', false)] };

describe('rtcListenInfos', () => {
  it('by default listens on every IPv4 address, loopback last, each announced as itself, UDP first', () => {
    expect(rtcListenInfos({ port: 40443, interfaces })).toEqual([
      { protocol: 'udp', ip: '10.1.2.3', port: 40443 },
      { protocol: 'udp', ip: '127.0.0.1', port: 40443 },
      { protocol: 'tcp', ip: '10.1.2.3', port: 40443 },
      { protocol: 'tcp', ip: '127.0.0.1', port: 40443 },
    ]);
  });
  it('announces the configured address (a hub behind NAT)', () => {
    expect(rtcListenInfos({ port: 1, listenIp: '0.0.0.0', announcedIp: '203.0.113.9', interfaces })).toEqual([
      { protocol: 'udp', ip: '0.0.0.0', announcedAddress: '203.0.113.9', port: 1 },
      { protocol: 'tcp', ip: '0.0.0.0', announcedAddress: '203.0.113.9', port: 1 },
    ]);
  });
  it('listens only where told to', () => {
    expect(rtcListenInfos({ port: 1, listenIp: '10.9.9.9', interfaces })).toEqual([
      { protocol: 'udp', ip: '10.9.9.9', port: 1 },
      { protocol: 'tcp', ip: '10.9.9.9', port: 1 },
    ]);
  });
  it('falls back to loopback on a machine with no IPv4 address', () => {
    expect(rtcListenInfos({ port: 1, interfaces: {} }).map((l) => l.ip)).toEqual(['127.0.0.1', '127.0.0.1']);
  });
});
