// Starts the hub: `npm run hub` (or `npm start`, which also serves the app). Configuration comes from the environment.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { openDatabase } from './db/open-database.ts';
import { demoEnrollmentCodes, seedDemo } from './demo/seed-demo.ts';
import { ensureDemoContent } from './demo/demo-content.ts';
import { createHub } from './http/create-hub.ts';

const Env = z.object({
  HUB_HOST: z.string().default('127.0.0.1'),
  HUB_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HUB_DATA_DIR: z.string().default(join(import.meta.dirname, 'data')),
  HUB_NAME: z.string().default('四川云教·演示中心'),
  HUB_ADMIN_TOKEN: z.string().min(16).optional(),
  HUB_DEMO: z.enum(['0', '1']).default('1'),
});

const env = Env.parse(process.env);
mkdirSync(env.HUB_DATA_DIR, { recursive: true });
const db = openDatabase(join(env.HUB_DATA_DIR, 'hub.sqlite'));
const adminToken = env.HUB_ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
if (env.HUB_DEMO === '1' && seedDemo(db, new Date())) console.log('hub: demo data created');
const contentDir = join(env.HUB_DATA_DIR, 'content');
if (env.HUB_DEMO === '1') {
  // Content is a bonus for the demo: a machine without ffmpeg still gets a working hub.
  await ensureDemoContent(db, env.HUB_DATA_DIR, contentDir, new Date()).then(
    (made) => made && console.log('hub: demo content created'),
    (error: unknown) => console.error(`hub: demo content skipped: ${error instanceof Error ? error.message : String(error)}`),
  );
}

const app = await createHub({ db, hubName: env.HUB_NAME, adminToken, contentDir, updatesDir: join(env.HUB_DATA_DIR, 'updates') });
const address = await app.listen({ host: env.HUB_HOST, port: env.HUB_PORT });
console.log(`hub: listening on ${address}`);
if (!env.HUB_ADMIN_TOKEN) console.log(`hub: admin token for this run: ${adminToken}`);
if (env.HUB_DEMO === '1') console.log(`hub: demo enrollment codes (注册码): ${Object.keys(demoEnrollmentCodes).join(', ')}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().finally(() => {
      db.close();
      process.exit(0);
    });
  });
}
