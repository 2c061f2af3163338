// Where the machine's CPU went during the load run, read from /proc (Linux): the load generator itself, the hub
// nodes, PostgreSQL, HAProxy. Everything shares the same cores, so a heavy generator steals from the hub; this says how
// much. A process's figure includes its reaped children's (cutime), so a node killed and reaped mid-run still counts.
import { readdirSync, readFileSync } from 'node:fs';

type Proc = { pid: number; ppid: number; comm: string; ticks: number };
/** CPU seconds per part; `machine` is every process's (ours and whatever else ran), `idle` what nobody used. */
export type CpuGroups = { generator: number; hubs: number; postgres: number; proxies: number; other: number; machine: number; idle: number };

const TICKS_PER_SECOND = 100; // USER_HZ on every Linux this runs on (getconf CLK_TCK)

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may itself hold spaces or parentheses: the fields start after the last ')'
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // after comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
    return { pid, ppid: Number(fields[1]), comm, ticks };
  } catch {
    return null; // gone between the listing and the read
  }
}

function descendants(all: Proc[], root: number): Proc[] {
  const out: Proc[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const p of all) {
      if (p.ppid !== pid) continue;
      out.push(p);
      queue.push(p.pid);
    }
  }
  return out;
}

/** All CPUs together from /proc/stat: busy (user, nice, system, irq, softirq, steal) and idle (idle, iowait) seconds. */
function machineSeconds(): { busy: number; idle: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const at = (i: number) => fields[i] ?? 0;
  return { busy: (at(0) + at(1) + at(2) + at(5) + at(6) + at(7)) / TICKS_PER_SECOND, idle: (at(3) + at(4)) / TICKS_PER_SECOND };
}

/** CPU seconds so far per group: this process (the generator), its node children (hubs), its proxies, PostgreSQL. */
export function cpuSnapshot(postmasterPid: number | null): CpuGroups {
  const all = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map((name) => readProc(Number(name))).filter((p): p is Proc => p !== null);
  const sum = (procs: Proc[]) => procs.reduce((s, p) => s + p.ticks, 0) / TICKS_PER_SECOND;
  const own = process.cpuUsage();
  const self = readProc(process.pid);
  const children = descendants(all, process.pid);
  const postmaster = postmasterPid === null ? null : all.find((p) => p.pid === postmasterPid);
  const postgres = postmaster ? [postmaster, ...descendants(all, postmaster.pid)] : [];
  const pgPids = new Set(postgres.map((p) => p.pid));
  const mine = children.filter((p) => !pgPids.has(p.pid));
  // the generator's own ticks minus its reaped children (cutime): those were hub nodes killed mid-run, or pg_ctl
  const reaped = self ? self.ticks / TICKS_PER_SECOND - (own.user + own.system) / 1e6 : 0;
  const machine = machineSeconds();
  return {
    machine: machine.busy,
    idle: machine.idle,
    generator: (own.user + own.system) / 1e6,
    hubs: sum(mine.filter((p) => p.comm === 'node')) + Math.max(0, reaped),
    postgres: sum(postgres),
    proxies: sum(mine.filter((p) => p.comm === 'haproxy' || p.comm === 'nginx')),
    other: sum(mine.filter((p) => p.comm !== 'node' && p.comm !== 'haproxy' && p.comm !== 'nginx')),
  };
}

/** The CPU seconds each group used between two snapshots. */
export function cpuBetween(before: CpuGroups, after: CpuGroups): CpuGroups {
  const d = (k: keyof CpuGroups) => Math.round((after[k] - before[k]) * 10) / 10;
  return { generator: d('generator'), hubs: d('hubs'), postgres: d('postgres'), proxies: d('proxies'), other: d('other'), machine: d('machine'), idle: d('idle') };
}
