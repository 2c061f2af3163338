// hub/deploy/tune-network.sh, run inside the hub namespace of a weak link (a stock CUBIC host): it writes its sysctl
// file, the namespace then sends with BBR and keeps its window after idle, --check tells tuned from not, and nothing
// outside that namespace changes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWeakLink, weakLinkSupported, type WeakLink } from './weak-link.ts';

const SCRIPT = fileURLToPath(new URL('../../hub/deploy/tune-network.sh', import.meta.url));

describe.skipIf(!weakLinkSupported())('hub/deploy/tune-network.sh', () => {
  let link: WeakLink;
  let dir: string;
  beforeAll(async () => {
    link = await createWeakLink({}, { hub: 'cubic', client: 'cubic' });
    dir = await mkdtemp(join(tmpdir(), 'ykt-tune-'));
  });
  afterAll(async () => {
    await link?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const sysctl = async (side: 'hub' | 'client', key: string) =>
    (await (side === 'hub' ? link.execInHub : link.execInClient)('sysctl', ['-n', key])).stdout.trim();
  const tune = (...args: string[]) => link.execInHub('env', [`SYSCTL_DIR=${dir}/sysctl.d`, `MODULES_DIR=${dir}/modules-load.d`, 'sh', SCRIPT, ...args]);

  it('--check on a stock host says what is missing and exits 1, changing nothing', async () => {
    const before = await tune('--check');
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('congestion control: cubic (want bbr)');
    expect(await sysctl('hub', 'net.ipv4.tcp_congestion_control')).toBe('cubic');
  });

  it('tunes: sysctl file written and applied (BBR, no slow start after idle), module loaded at boot; --check passes', async () => {
    const run = await tune();
    expect(run.code, run.stderr).toBe(0);
    const conf = await readFile(join(dir, 'sysctl.d', '90-ykt-hub-network.conf'), 'utf8');
    expect(conf).toContain('net.ipv4.tcp_congestion_control = bbr');
    expect(conf).toContain('net.ipv4.tcp_slow_start_after_idle = 0');
    expect(await readFile(join(dir, 'modules-load.d', 'ykt-hub-bbr.conf'), 'utf8')).toBe('tcp_bbr\n');
    expect(await sysctl('hub', 'net.ipv4.tcp_congestion_control')).toBe('bbr');
    expect(await sysctl('hub', 'net.ipv4.tcp_slow_start_after_idle')).toBe('0');
    expect((await tune('--check')).code).toBe(0);
    // Only the hub's namespace changed: the classroom side is still a stock (CUBIC) sender.
    expect(await sysctl('client', 'net.ipv4.tcp_congestion_control')).toBe('cubic');
    expect(await sysctl('client', 'net.ipv4.tcp_slow_start_after_idle')).toBe('1');
  });
});
