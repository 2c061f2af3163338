// Weak-network harness: a hub namespace and a client namespace joined by an emulated village link (rate, RTT, loss,
// outage), all changeable at runtime. The kernel here has no netem, so the link itself is a userspace relay
// (link-relay.py) bridging one TAP device in each namespace; see README.md.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { NS_PATTERN, listNamespaces, removeOwnerRecord, removeStaleLinks, wrapperPath, writeOwnerRecord } from './cleanup-stale.ts';

export type LinkShape = { rateKbit?: number; rttMs?: number; lossPct?: number };
/** TCP congestion control a side sends with. It decides every TCP figure on a lossy long link (README.md). */
export type CongestionControl = 'cubic' | 'bbr' | 'reno';
/** Who sends with what. Default: a stock hub and a Windows classroom PC, both CUBIC. */
export type LinkCongestion = { hub: CongestionControl; client: CongestionControl };
export const STOCK_CONGESTION: LinkCongestion = { hub: 'cubic', client: 'cubic' };
export type TcpPayloadBytes = { toClient: number; toHub: number };
type RelayAck = { ok: boolean; error?: string; tcpPayloadBytes?: TcpPayloadBytes };
export type SpawnOptions = { cwd?: string; env?: NodeJS.ProcessEnv };
export type ExecResult = { stdout: string; stderr: string; code: number };
// Function-typed members (not methods) so they can be passed on unbound, e.g. as hub-process's spawnFn.
export type WeakLink = {
  hubNs: string;
  clientNs: string;
  hubIp: string;
  clientIp: string;
  /** The congestion control each namespace's new TCP sockets use (pinned at creation, see setCongestion). */
  congestion: LinkCongestion;
  /** Re-pins one side's default; sockets opened afterwards use it (open connections keep theirs). */
  setCongestion: (side: keyof LinkCongestion, cc: CongestionControl) => Promise<void>;
  /** Changes the link at runtime. Fields left out keep their value; 0 switches that impairment off. */
  shape: (s: LinkShape) => Promise<void>;
  /** TCP payload bytes the link has delivered each way so far, each byte once (retransmissions not counted again). */
  tcpPayloadBytes: () => Promise<TcpPayloadBytes>;
  /** Outage: drops every frame, including those already in flight, until restore(). */
  cut: () => Promise<void>;
  restore: () => Promise<void>;
  /** `ip netns exec hubNs cmd args…` with piped stdio; killed by close(). */
  spawnInHub: (cmd: string, args: string[], opts?: SpawnOptions) => ChildProcess;
  spawnInClient: (cmd: string, args: string[], opts?: SpawnOptions) => ChildProcess;
  execInHub: (cmd: string, args: string[], opts?: { timeoutMs?: number }) => Promise<ExecResult>;
  execInClient: (cmd: string, args: string[], opts?: { timeoutMs?: number }) => Promise<ExecResult>;
  /** Kills everything running in the namespaces, stops the relay, deletes the namespaces. Idempotent. */
  close: () => Promise<void>;
};

const RELAY_SCRIPT = fileURLToPath(new URL('./link-relay.py', import.meta.url));
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'; // skip pyenv shims when possible
const IFNAME = 'wl0';
const MAC = { hub: '02:79:6b:74:00:01', client: '02:79:6b:74:00:02' };
const RELAY_REPLY_MS = 5_000;
const STOP_GRACE_MS = 2_000;

const execFileP = promisify(execFile);
const ip = (...args: string[]) => execFileP('ip', args);

function commandWorks(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function weakLinkSupported(): boolean {
  return (
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    existsSync('/dev/net/tun') &&
    commandWorks('ip', ['netns', 'list']) &&
    commandWorks(PYTHON, ['-c', ''])
  );
}

// Links still open in this process, so exit and signal handlers can remove them synchronously.
const live = new Map<string, { namespaces: string[]; relayPid: () => number | undefined }>();

function killNamespaceProcesses(ns: string): void {
  let pids: string[] = [];
  try {
    pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return; // namespace already gone
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already exited
    }
  }
}

function removeLinkSync(id: string): void {
  const link = live.get(id);
  if (!link) return;
  live.delete(id);
  const relayPid = link.relayPid();
  if (relayPid !== undefined) {
    try {
      process.kill(relayPid, 'SIGKILL');
    } catch {
      // already exited
    }
  }
  for (const ns of link.namespaces) {
    killNamespaceProcesses(ns);
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // never created or already deleted
    }
  }
  removeOwnerRecord(id);
}

let exitHandlersInstalled = false;
function installExitHandlers(): void {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  process.on('exit', () => [...live.keys()].forEach(removeLinkSync));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = () => {
      [...live.keys()].forEach(removeLinkSync);
      // Re-raise so the process still ends the way it would have without us (or other listeners decide).
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * A child namespace may only select an algorithm listed in the root namespace's
 * net.ipv4.tcp_allowed_congestion_control (it permits, it changes no default), so add the one needed there first.
 */
function allowCongestionControl(cc: CongestionControl): void {
  const available = readFileSync('/proc/sys/net/ipv4/tcp_available_congestion_control', 'utf8').trim().split(/\s+/);
  if (!available.includes(cc)) throw new Error(`congestion control ${cc} is not in this kernel (available: ${available.join(' ')})`);
  const path = '/proc/sys/net/ipv4/tcp_allowed_congestion_control';
  const allowed = readFileSync(path, 'utf8').trim().split(/\s+/);
  if (!allowed.includes(cc)) writeFileSync(path, [...allowed, cc].join(' '));
}

async function pinCongestionControl(ns: string, cc: CongestionControl): Promise<void> {
  allowCongestionControl(cc);
  await execFileP('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `net.ipv4.tcp_congestion_control=${cc}`]);
  const { stdout } = await execFileP('ip', ['netns', 'exec', ns, 'sysctl', '-n', 'net.ipv4.tcp_congestion_control']);
  if (stdout.trim() !== cc) throw new Error(`namespace ${ns} sends with ${stdout.trim()}, not ${cc}`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Line protocol with the relay: "ready" once, then one JSON ack per command, in order. */
function relayControl(relay: ChildProcess) {
  let stderr = '';
  let exited = false;
  const waiting: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  relay.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  if (relay.stdout) createInterface({ input: relay.stdout }).on('line', (line) => waiting.shift()?.resolve(line));
  relay.once('exit', (code, signal) => {
    exited = true;
    const error = new Error(`link relay exited (${code ?? signal}): ${stderr.trim()}`);
    for (const w of waiting.splice(0)) w.reject(error);
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      if (exited) reject(new Error(`link relay is not running: ${stderr.trim()}`));
      else waiting.push({ resolve, reject });
    });

  const ready = nextLine(); // registered before the relay can possibly print
  let queue: Promise<unknown> = Promise.resolve();
  return {
    async ready() {
      const line = await withTimeout(ready, RELAY_REPLY_MS, 'link relay start');
      if (line !== 'ready') throw new Error(`link relay: unexpected "${line}"`);
    },
    send(command: Record<string, unknown>): Promise<RelayAck> {
      const result = queue.then(async () => {
        const reply = nextLine();
        relay.stdin?.write(`${JSON.stringify(command)}\n`);
        const ack = JSON.parse(await withTimeout(reply, RELAY_REPLY_MS, 'link relay command')) as RelayAck;
        if (!ack.ok) throw new Error(`link relay rejected ${JSON.stringify(command)}: ${ack.error}`);
        return ack;
      });
      queue = result.catch(() => undefined); // one failed command must not wedge the ones after it
      return result;
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const stopped = await withTimeout(exited, STOP_GRACE_MS, 'stop').then(
    () => true,
    () => false,
  );
  if (!stopped) {
    child.kill('SIGKILL');
    await withTimeout(exited, STOP_GRACE_MS, 'kill').catch(() => undefined);
  }
}

export async function createWeakLink(initial: LinkShape = {}, congestion: LinkCongestion = STOCK_CONGESTION): Promise<WeakLink> {
  if (!weakLinkSupported()) throw new Error('weak link needs Linux, root, ip, /dev/net/tun and python3');
  removeStaleLinks();
  installExitHandlers();

  const id = randomBytes(3).toString('hex');
  const hubNs = `ykt-h-${id}`;
  const clientNs = `ykt-c-${id}`;
  const subnet = `10.${randomInt(64, 250)}.${randomInt(1, 255)}`; // random so parallel links never look alike
  const hubIp = `${subnet}.1`;
  const clientIp = `${subnet}.2`;
  const children = new Set<ChildProcess>();
  let relay: ChildProcess | undefined;

  writeOwnerRecord(id); // before the namespaces exist, so a concurrent removeStaleLinks() never takes them
  live.set(id, { namespaces: [hubNs, clientNs], relayPid: () => (relay?.exitCode === null && relay.signalCode === null ? relay.pid : undefined) });

  const spawnIn = (ns: string, cmd: string, args: string[], opts: SpawnOptions = {}) => {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: 'pipe' });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };
  const execIn = (ns: string, cmd: string, args: string[], opts: { timeoutMs?: number } = {}) =>
    new Promise<ExecResult>((resolve, reject) => {
      const child = spawnIn(ns, cmd, args);
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ stdout, stderr, code: code ?? -1 });
      });
    });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await Promise.all([...children].map(stopChild));
      if (relay) {
        relay.stdin?.end(); // the relay exits on EOF
        await stopChild(relay);
      }
      removeLinkSync(id); // sweeps anything else still inside (e.g. a browser), deletes namespaces and record
    })());

  try {
    for (const ns of [hubNs, clientNs]) {
      await ip('netns', 'add', ns);
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    const pinned = { ...congestion };
    await pinCongestionControl(hubNs, pinned.hub);
    await pinCongestionControl(clientNs, pinned.client);
    relay = spawn(PYTHON, [RELAY_SCRIPT, hubNs, clientNs, IFNAME], { stdio: ['pipe', 'pipe', 'pipe'] });
    const control = relayControl(relay);
    await control.ready();
    const sides = [
      { ns: hubNs, ip: hubIp, mac: MAC.hub, peerIp: clientIp, peerMac: MAC.client },
      { ns: clientNs, ip: clientIp, mac: MAC.client, peerIp: hubIp, peerMac: MAC.hub },
    ];
    for (const s of sides) {
      await ip('-n', s.ns, 'link', 'set', IFNAME, 'address', s.mac);
      await ip('-n', s.ns, 'addr', 'add', `${s.ip}/24`, 'dev', IFNAME);
      await ip('-n', s.ns, 'link', 'set', IFNAME, 'up');
      // Static neighbour: a WAN link carries no ARP, and a lost ARP reply would add a 1 s stall no real link has.
      await ip('-n', s.ns, 'neigh', 'replace', s.peerIp, 'lladdr', s.peerMac, 'dev', IFNAME, 'nud', 'permanent');
    }

    const link: WeakLink = {
      hubNs,
      clientNs,
      hubIp,
      clientIp,
      congestion: pinned,
      async setCongestion(side, cc) {
        await pinCongestionControl(side === 'hub' ? hubNs : clientNs, cc);
        pinned[side] = cc;
      },
      shape: async (s) => void (await control.send(s)),
      async tcpPayloadBytes() {
        const { tcpPayloadBytes } = await control.send({ stats: true });
        if (!tcpPayloadBytes) throw new Error('link relay: no TCP counters in its answer');
        return tcpPayloadBytes;
      },
      cut: async () => void (await control.send({ cut: true })),
      restore: async () => void (await control.send({ cut: false })),
      spawnInHub: (cmd, args, opts) => spawnIn(hubNs, cmd, args, opts),
      spawnInClient: (cmd, args, opts) => spawnIn(clientNs, cmd, args, opts),
      execInHub: (cmd, args, opts) => execIn(hubNs, cmd, args, opts),
      execInClient: (cmd, args, opts) => execIn(clientNs, cmd, args, opts),
      close,
    };
    await link.shape(initial);
    return link;
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Writes an executable that runs Chromium inside the link's client namespace, for playwright-core:
 * `chromium.launch({ executablePath: chromiumWrapper(link), ... })`. Playwright talks to the browser over inherited
 * pipes (fd 3/4), which `exec ip netns exec` passes through untouched. Removed by link.close().
 */
export function chromiumWrapper(link: WeakLink, chromiumPath = '/usr/bin/chromium'): string {
  const id = NS_PATTERN.exec(link.clientNs)?.[1];
  if (id === undefined) throw new Error(`not a weak-link namespace: ${link.clientNs}`);
  const path = wrapperPath(id);
  writeFileSync(path, `#!/bin/sh\nexec ip netns exec ${link.clientNs} ${chromiumPath} "$@"\n`, { mode: 0o755 });
  return path;
}

/** True while the namespace exists (for tests of cleanup). */
export const namespaceExists = (ns: string) => listNamespaces().includes(ns);
