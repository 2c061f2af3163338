// A process tree's footprint as a task manager shows it: PSS (each shared page counted once, split between its users)
// summed over every process, and CPU time (utime + stime) over the tree, from /proc. Linux only.
import { readdir, readFile } from 'node:fs/promises';

const CLOCK_TICKS = 100; // USER_HZ on Linux

type Stat = { pid: number; ppid: number; ticks: number };

async function stat(pid: number): Promise<Stat | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!text) return null;
  // After the command name in parentheses (which may hold spaces): state ppid … utime(14) stime(15).
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
}

/** `root` and every process below it. */
export async function processTree(root: number): Promise<Stat[]> {
  const all = (await Promise.all((await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map((d) => stat(Number(d))))).filter((s): s is Stat => s !== null);
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of all) {
      if (tree.has(s.pid) || !tree.has(s.ppid)) continue;
      tree.add(s.pid);
      grew = true;
    }
  }
  return all.filter((s) => tree.has(s.pid));
}

/** PSS of one process in kB (smaps_rollup), 0 if it is gone. */
async function pssKb(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  return Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0);
}

/** What a Chromium process is, from its command line (browser, renderer, gpu-process, utility:network…). */
export async function chromiumRole(pid: number): Promise<string> {
  // Chromium rewrites its children's titles (setproctitle): the arguments may be joined by spaces, not NULs.
  const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split(/[\0 ]/);
  const type = args.find((a) => a.startsWith('--type='))?.slice(7);
  const sub = args.find((a) => a.startsWith('--utility-sub-type='))?.slice(19).split('.').at(-1);
  return type ? (sub ? `${type}:${sub}` : type) : 'browser';
}

export type TreeMemory = { totalMB: number; byRole: Record<string, number> };

export async function treePss(root: number): Promise<TreeMemory> {
  const byRole: Record<string, number> = {};
  let total = 0;
  for (const s of await processTree(root)) {
    const kb = await pssKb(s.pid);
    const role = await chromiumRole(s.pid);
    byRole[role] = Math.round(((byRole[role] ?? 0) + kb / 1024) * 10) / 10;
    total += kb;
  }
  return { totalMB: Math.round(total / 1024), byRole };
}

/** CPU used by the tree over `ms`, in % of one core (processes born or gone meanwhile count for what they did here). */
export async function treeCpuPct(root: number, ms: number): Promise<number> {
  const before = new Map((await processTree(root)).map((s) => [s.pid, s.ticks]));
  await new Promise((r) => setTimeout(r, ms));
  const after = await processTree(root);
  const ticks = after.reduce((sum, s) => sum + s.ticks - (before.get(s.pid) ?? 0), 0);
  return Math.round((ticks / CLOCK_TICKS / (ms / 1000)) * 1000) / 10;
}

/** The Chromium this Node process launched (playwright talks to it over a pipe). */
export async function launchedChromium(): Promise<number> {
  for (const s of await processTree(process.pid)) {
    if (s.pid === process.pid) continue;
    const cmd = await readFile(`/proc/${s.pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('chromium') && cmd.includes('--remote-debugging-pipe') && !cmd.includes('--type=')) return s.pid;
  }
  throw new Error('no Chromium launched by this process');
}
