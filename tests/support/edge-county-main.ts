// Child process for the school-edge weak-link test: a county hub with one random signed pack (edge-rig.ts) listening
// on HOST, printing one JSON line with what the test needs (address, pack key, an edge code, classroom tokens).
import { startCounty } from '../../hub/testing/edge-rig.ts';

const county = await startCounty({ host: process.env.HOST ?? '127.0.0.1', packBytes: Number(process.env.PACK_BYTES ?? 3_000_000) });
const file = county.pack.files[0];
console.log(
  JSON.stringify({
    base: county.base,
    packKey: county.signer.publicKey,
    edgeCode: await county.edgeCode(),
    sha256: file?.sha256,
    size: file?.size,
    tokens: { zj1: await county.enrollClassroom('DEMO-ZJ-1'), zj2: await county.enrollClassroom('DEMO-ZJ-2'), lt: await county.enrollClassroom('DEMO-LT-1') },
  }),
);
process.once('SIGTERM', () => void county.close().finally(() => process.exit(0)));
