// An HTTP proxy that corrupts chosen Range responses on their way through (one byte flipped, length kept), to prove the
// downloader detects a bad chunk, fetches it again and never stores it. It counts the range requests it saw.
import { createServer, request, type Server } from 'node:http';

export type CorruptingProxy = {
  url: string;
  /** Corrupt the next `times` responses whose Range starts at `start` (and whose URL contains `urlPart`). */
  corrupt(start: number, times?: number, urlPart?: string): void;
  rangeStarts: number[];
  ranges: { url: string; start: number }[];
  corrupted: number;
  close(): Promise<void>;
};

export async function startCorruptingProxy(target: string): Promise<CorruptingProxy> {
  const targetUrl = new URL(target);
  const plan = new Map<number, { left: number; urlPart: string }>();
  const state: CorruptingProxy = {
    url: '',
    corrupt: (start, times = 1, urlPart = '') => void plan.set(start, { left: times, urlPart }),
    rangeStarts: [],
    ranges: [],
    corrupted: 0,
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((req, res) => {
    const start = /^bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1];
    if (start !== undefined) {
      state.rangeStarts.push(Number(start));
      state.ranges.push({ url: req.url ?? '', start: Number(start) });
    }
    // Decided (and counted down) when the request arrives, so concurrent requests cannot all take the same turn.
    const entry = start === undefined ? undefined : plan.get(Number(start));
    const hit = entry !== undefined && entry.left > 0 && (req.url ?? '').includes(entry.urlPart);
    if (hit) entry.left--;
    const upstream = request(
      { host: targetUrl.hostname, port: targetUrl.port, path: req.url, method: req.method, headers: { ...req.headers, host: targetUrl.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (!hit || up.statusCode !== 206) return void up.pipe(res);
        state.corrupted++;
        let flipped = false;
        up.on('data', (chunk: Buffer) => {
          if (!flipped && chunk.length > 0) {
            chunk[Math.floor(chunk.length / 2)] = (chunk[Math.floor(chunk.length / 2)] ?? 0) ^ 0xff;
            flipped = true;
          }
          res.write(chunk);
        });
        up.on('end', () => res.end());
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  state.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  state.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}
