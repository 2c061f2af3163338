// `npm run hub:cert -- --host <name or IP> [--host …] [--out <folder>] [--force]`: makes the county hub's self-signed
// HTTPS certificate (hub-tls.ts, `selfsigned`) and prints the SHA-256 fingerprint classroom PCs pin at enrollment.
// Default folder: HUB_DATA_DIR/tls (hub/data is outside git). The key is readable by its owner only.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makeCountyCertificate } from '../core/http/hub-tls.ts';

const { values } = parseArgs({ options: { host: { type: 'string', multiple: true, default: [] }, out: { type: 'string' }, force: { type: 'boolean', default: false } } });
const out = resolve(values.out ?? join(process.env.HUB_DATA_DIR ?? join(import.meta.dirname, '..', 'data'), 'tls'));
try {
  if (!values.force && ['key.pem', 'cert.pem'].some((f) => existsSync(join(out, f)))) {
    throw new Error(`${out} already holds a certificate; --force replaces it (enrolled PCs must then pin the new fingerprint)`);
  }
  const tls = await makeCountyCertificate(values.host, new Date());
  await mkdir(out, { recursive: true, mode: 0o700 });
  // A new certificate has a new fingerprint: every enrolled PC would refuse the hub until IT pins it again.
  await writeFile(join(out, 'key.pem'), tls.key, { mode: 0o600 });
  await writeFile(join(out, 'cert.pem'), tls.cert, { mode: 0o644 });
  console.log(`certificate for ${values.host.join(', ')} (10 years) in ${out}`);
  console.log(`SHA-256 fingerprint: ${tls.fingerprint256}`);
  console.log('write it on every enrollment slip with the hub address and code; start the hub with:');
  console.log(`  HUB_TLS_CERT=${join(out, 'cert.pem')} HUB_TLS_KEY=${join(out, 'key.pem')} HUB_HOST=0.0.0.0 npm run hub`);
} catch (error) {
  console.error(`hub:cert refused: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
