// A minimal stand-in for the hub's content API (pack list + one file with Range) for unit tests of the renderer's
// download manager, which may not import the hub. The real hub is exercised by hub tests and the e2e tests. The listing is
// signed as the hub signs it; `packKey` is the key a PC enrolled with this "hub" holds.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { packSignedText, type PackListing } from '../../src/shared/content-protocol.ts';

export type ContentTestServer = {
  url: string;
  file: Buffer;
  listing: PackListing;
  packKey: string;
  /** Start offset of every range request, in arrival order. */
  ranges: number[];
  /** Full `bytes=a-b` of every range request. */
  rangeHeaders: string[];
  /** Answer a range starting at `start` with only its first `bytes` bytes, then keep the connection open (a stall). */
  holdAfter(start: number, bytes: number): void;
  /** Answer every request with this protocol error from now on (e.g. 403 device_revoked). */
  refuse(status: number, code: string): void;
  close(): Promise<void>;
};

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export async function startContentTestServer(size = 1_000_000, chunkSize = 65_536, lessonIds = ['l1']): Promise<ContentTestServer> {
  const file = randomBytes(size);
  const chunks: string[] = [];
  for (let i = 0; i < size; i += chunkSize) chunks.push(sha(file.subarray(i, i + chunkSize)));
  const manifest = {
    protocol: 1 as const,
    id: 'pack-test',
    kind: 'recording' as const,
    title: '测试录像',
    createdAt: '2026-11-25T00:00:00.000Z',
    files: [{ path: 'lesson.mp4', size, mime: 'video/mp4', sha256: sha(file), chunkSize, chunks }],
  };
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const packKey = publicKey.export({ format: 'jwk' }).x ?? '';
  const listing: PackListing = { manifest, lessonIds, signature: sign(null, Buffer.from(packSignedText(manifest)), privateKey).toString('base64url') };
  const ranges: number[] = [];
  const rangeHeaders: string[] = [];
  const holds = new Map<number, number>();
  let refusal: { status: number; code: string } | null = null;
  const server = createServer((req, res) => {
    if (refusal) {
      res.writeHead(refusal.status, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { code: refusal.code, message: `test hub says ${refusal.code}` } }));
    }
    if (req.url === '/v1/content/packs') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ protocol: 1, packs: [listing] }));
    }
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (req.url !== `/v1/content/blobs/${manifest.files[0]?.sha256}` || !m) {
      res.writeHead(404);
      return void res.end();
    }
    const start = Number(m[1]);
    const end = Math.min(Number(m[2]), size - 1);
    ranges.push(start);
    rangeHeaders.push(req.headers.range ?? '');
    res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': end - start + 1 });
    const hold = holds.get(start);
    if (hold !== undefined) {
      holds.delete(start);
      return void res.write(file.subarray(start, Math.min(end + 1, start + hold)));
    }
    res.end(file.subarray(start, end + 1));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    file,
    listing,
    packKey,
    ranges,
    rangeHeaders,
    holdAfter: (start, bytes) => void holds.set(start, bytes),
    refuse: (status, code) => void (refusal = { status, code }),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
