// `npm run hub` (hub/main.ts as a real process) with nothing configured, as a county IT person would first start it:
// no demo data, no test-only routes, an admin token made once, printed once, kept only as a hash — and it works.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../tests/support/ports.ts';
import { repoRoot } from '../../tests/support/hub-process.ts';
import { ErrorResponse } from '../../src/shared/protocol.ts';
import { ADMIN_TOKEN_HASH_FILE } from '../core/http/admin-token.ts';
import { TestPaths } from '../testing/test-routes.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'hub-defaults-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs `npm run hub`'s entry until `use` is done; the environment has no HUB_* settings but the port and folder. */
async function withHub<T>(use: (base: string, output: () => string) => Promise<T>, extraEnv: Record<string, string> = {}): Promise<T> {
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HUB_')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'hub/main.ts'], {
    cwd: repoRoot,
    env: { ...env, HUB_PORT: String(port), HUB_DATA_DIR: dataDir, MEDIASOUP_WORKER_BIN: '/nonexistent', ...extraEnv }, // live is not what this tests
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => ((await fetch(`${base}/v1/health`).catch(() => null))?.ok ? true : undefined), `hub on ${base}\n${log}`, 60_000);
    return await use(base, () => log);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

describe('npm run hub with nothing configured', () => {
  let token = '';

  it('makes an admin token, prints it once, stores only its hash, and has no demo data or test routes', async () => {
    await withHub(async (base, output) => {
      const printed = /new admin token \(shown this once[^)]*\): (\S+)/.exec(output());
      token = printed?.[1] ?? '';
      expect(token.length).toBeGreaterThanOrEqual(32);
      const stored = readFileSync(join(dataDir, ADMIN_TOKEN_HASH_FILE), 'utf8').trim();
      expect(stored).toBe(createHash('sha256').update(token).digest('hex'));
      for (const file of readdirSync(dataDir).filter((f) => !f.startsWith('hub.sqlite'))) expect(readFileSync(join(dataDir, file)).includes(token), file).toBe(false);

      const admin = { authorization: `Bearer ${token}` };
      expect(await (await fetch(`${base}/v1/admin/classrooms`, { headers: admin })).json()).toEqual({ classrooms: [] }); // no demo alliance
      const demoCode = await fetch(`${base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'DEMO-ZJ-1', deviceName: 'pc' }) });
      expect(ErrorResponse.parse(await demoCode.json()).error.code).toBe('enrollment_code_invalid');
      for (const path of [TestPaths.pushStats, TestPaths.contentStats, TestPaths.deviceOps('dev_x')]) {
        const res = await fetch(`${base}${path}`, { headers: admin });
        expect([path, res.status]).toEqual([path, 404]);
      }
      expect(output()).not.toContain('demo');
    });
  });

  it('keeps the same token across restarts without printing it again', async () => {
    await withHub(async (base, output) => {
      expect(output()).not.toContain('admin token');
      expect(output()).not.toContain(token);
      expect((await fetch(`${base}/v1/admin/classrooms`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await fetch(`${base}/v1/admin/classrooms`)).status).toBe(401);
    });
  });

  it('writes its server log to its output: HUB_LOG_LEVEL=info adds a line per request', async () => {
    await withHub(
      async (base, output) => {
        expect((await fetch(`${base}/v1/admin/classrooms`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
        await fetch(`${base}/report?key=${token}`); // the admin page's link form
        await expect.poll(() => output()).toMatch(/"url":"\/v1\/admin\/classrooms"/);
        await expect.poll(() => output()).toContain('"url":"/report?key=[redacted]"');
        expect(output()).not.toContain(token); // the credential is not in the log
      },
      { HUB_LOG_LEVEL: 'info' },
    );
  });
});
