// The lead console's signalling, driven by a test from wherever the hub can be reached (inside the hub's network
// namespace on a weak-link rig): `node --import tsx tests/support/console-probe.ts <hubUrl> <lessonId> <token>`. Reads
// requests as JSON lines on stdin ({id, method, data}) and writes every frame the hub sends as a JSON line on stdout.
import WebSocket from 'ws';
import { createInterface } from 'node:readline';
import { LIVE_PROTOCOL_VERSION, LIVE_WS_PATH } from '../../src/shared/live-protocol.ts';

const [hubUrl, lessonId, token] = process.argv.slice(2);
if (!hubUrl || !lessonId || !token) {
  console.error('usage: console-probe.ts <hubUrl> <lessonId> <token>');
  process.exit(2);
}
const ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}${LIVE_WS_PATH}`);
ws.on('message', (raw: Buffer) => process.stdout.write(`${raw.toString()}\n`));
ws.on('close', () => process.exit(0));
ws.on('error', (error) => {
  console.error(`console probe: ${error.message}`);
  process.exit(1);
});
ws.on('open', () => {
  ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, id: 0, method: 'join', data: { lessonId, token, role: 'console' } }));
  createInterface({ input: process.stdin }).on('line', (line) => {
    const request = JSON.parse(line) as { id: number; method: string; data: unknown };
    ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, ...request }));
  });
});
