// Measurement endpoints for the weak-link self-test, run inside a namespace (no ping/iperf on these machines):
//   udp-echo BIND PORT                      echo every datagram back
//   udp-ping HOST PORT COUNT INTERVAL_MS    → {"sent":n,"rtts":[ms…]}
//   udp-sink BIND PORT                      count datagrams; on stdin "report" → {"count","bytes","firstMs","lastMs","nowMs"}
//                                           and exit, "peek" → the same and go on counting
//   udp-blast HOST PORT COUNT SIZE KBIT     send COUNT datagrams of SIZE bytes paced at KBIT → {"sent","ms"}
//   tcp-source BIND PORT BYTES              every connection gets BYTES then EOF
//   tcp-fetch HOST PORT STREAMS             parallel downloads until all end → {"bytes","ms"}
// Servers print "ready" once listening. Every mode ends on its own within MAX_LIFETIME_MS.
import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import { createInterface } from 'node:readline';

const MAX_LIFETIME_MS = 60_000;
setTimeout(() => process.exit(3), MAX_LIFETIME_MS).unref();

const [mode = '', host = '', portArg = '', ...rest] = process.argv.slice(2);
const port = Number(portArg);
const num = (i: number) => Number(rest[i]);
const now = () => performance.now();
const print = (value: unknown) => process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`);

switch (mode) {
  case 'udp-echo': {
    const socket = createSocket('udp4');
    socket.on('message', (msg, from) => socket.send(msg, from.port, from.address));
    socket.bind(port, host, () => print('ready'));
    break;
  }
  case 'udp-ping': {
    const [count, intervalMs] = [num(0), num(1)];
    const socket = createSocket('udp4');
    const sentAt = new Map<number, number>();
    const rtts: number[] = [];
    socket.on('message', (msg) => {
      const t = sentAt.get(msg.readUInt32BE(0));
      if (t !== undefined) rtts.push(now() - t);
    });
    let seq = 0;
    const timer = setInterval(() => {
      const buf = Buffer.alloc(32);
      buf.writeUInt32BE(seq);
      sentAt.set(seq++, now());
      socket.send(buf, port, host);
      if (seq < count) return;
      clearInterval(timer);
      // Replies may still be on the way: wait out a generous worst-case RTT.
      setTimeout(() => {
        print({ sent: seq, rtts });
        socket.close();
      }, 2_000);
    }, intervalMs);
    break;
  }
  case 'udp-sink': {
    const socket = createSocket('udp4');
    const stats = { count: 0, bytes: 0, firstMs: 0, lastMs: 0 };
    socket.on('message', (msg) => {
      const t = now();
      if (stats.count++ === 0) stats.firstMs = t;
      stats.lastMs = t;
      stats.bytes += msg.length;
    });
    socket.bind(port, host, () => print('ready'));
    createInterface({ input: process.stdin }).on('line', (line) => {
      if (line !== 'report' && line !== 'peek') return;
      print({ ...stats, nowMs: now() });
      if (line === 'peek') return;
      socket.close();
      process.exit(0);
    });
    break;
  }
  case 'udp-blast': {
    const [count, size, kbit] = [num(0), num(1), num(2)];
    const socket = createSocket('udp4');
    const payload = Buffer.alloc(size);
    const start = now();
    let sent = 0;
    const timer = setInterval(() => {
      // Pace by elapsed time rather than timer ticks, which are coarse and jittery.
      const due = Math.min(count, Math.floor(((now() - start) * kbit) / 8 / size));
      for (; sent < due; sent++) socket.send(payload, port, host);
      if (sent < count) return;
      clearInterval(timer);
      const ms = now() - start;
      setTimeout(() => {
        print({ sent, ms });
        socket.close();
      }, 100);
    }, 5);
    break;
  }
  case 'tcp-source': {
    const data = Buffer.alloc(num(0), 'x');
    createServer((conn) => conn.end(data)).listen(port, host, () => print('ready'));
    break;
  }
  case 'tcp-fetch': {
    const streams = num(0);
    const start = now();
    let bytes = 0;
    let open = streams;
    for (let i = 0; i < streams; i++) {
      const conn = connect(port, host);
      conn.on('data', (d: Buffer) => (bytes += d.length));
      conn.on('close', () => {
        if (--open === 0) print({ bytes, ms: now() - start });
      });
    }
    break;
  }
  default:
    process.stderr.write(`unknown mode "${mode}"\n`);
    process.exit(2);
}
