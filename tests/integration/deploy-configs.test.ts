// The example configs shipped for a province hub (hub/deploy/) are accepted by Debian's HAProxy and nginx, and say
// what the harness's generated configs say on the points that make them correct (tests/support/proxy-configs.ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { haproxyConfig, nginxConfig } from '../support/proxy-configs.ts';
import { repoRoot } from '../support/hub-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'deploy-configs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const example = (name: string) => readFileSync(join(repoRoot, 'hub', 'deploy', name), 'utf8');
const nodes = [
  { name: 'node1', host: '127.0.0.1', port: 18001 },
  { name: 'node2', host: '127.0.0.1', port: 18002 },
];

describe('hub/deploy examples', () => {
  it('haproxy.cfg is valid (TLS bind swapped for a plain one) and balances like the harness', () => {
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(file, example('haproxy.cfg').replace(/bind :443 ssl crt \S+/, 'bind 127.0.0.1:18443'));
    const checked = spawnSync('/usr/sbin/haproxy', ['-c', '-f', file], { encoding: 'utf8' });
    expect(checked.status, checked.stderr).toBe(0);
    const generated = haproxyConfig({ listen: { host: '127.0.0.1', port: 1 }, nodes, blobCache: { name: 'nginx', host: '127.0.0.1', port: 2 } });
    for (const line of ['balance roundrobin', 'http-check send meth GET uri /v1/health', 'retry-on conn-failure empty-response response-timeout', 'timeout tunnel 2h', 'timeout check 5s', 'option forwardfor', 'use_backend blob_cache if { path_beg /v1/content/blobs/ }']) {
      expect(generated).toContain(line);
      expect(example('haproxy.cfg')).toContain(line);
    }
  });

  it('nginx-blob-cache.conf is valid inside an http block and caches like the harness', () => {
    const cache = join(dir, 'nginx');
    mkdirSync(cache);
    const conf = `pid ${cache}/nginx.pid;\nerror_log ${cache}/error.log;\nevents {}\nhttp {\nclient_body_temp_path ${cache}/body;\nproxy_temp_path ${cache}/proxy;\n${example('nginx-blob-cache.conf').replace('/var/cache/nginx/hub-blobs', `${cache}/cache`)}\n}\n`;
    const file = join(dir, 'nginx.conf');
    writeFileSync(file, conf);
    const checked = spawnSync('/usr/sbin/nginx', ['-e', join(dir, 'nginx-error.log'), '-p', dir, '-c', file, '-t'], { encoding: 'utf8' });
    expect(checked.status, checked.stderr).toBe(0);
    const generated = nginxConfig({ listen: { host: '127.0.0.1', port: 1 }, nodes, dir: cache });
    for (const line of ['auth_request /_blob_access;', 'error_page 401 403 500 = @hub;', 'proxy_cache_key $blob_sha256$slice_range;', 'proxy_ignore_headers Cache-Control Expires Set-Cookie;', 'proxy_hide_header x-ykt-hub-time;', 'proxy_pass_request_body off;']) {
      expect(generated).toContain(line);
      expect(example('nginx-blob-cache.conf')).toContain(line);
    }
  });
});
