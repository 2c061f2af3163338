// At start, the hub says whether its host sends with the congestion control village links need. A stock server sends
// with CUBIC, which takes every random loss on a lossy 300 ms link for congestion; BBR does not (README: "Hub host
// network settings", hub/deploy/tune-network.sh). Linux only; elsewhere there is nothing to read and nothing is said.

/** Reads a file under /proc/sys, or null when there is none (another OS, a sandbox). */
export type ProcSysReader = (path: string) => string | null;

export function tcpTuningAdvice(read: ProcSysReader): string | null {
  const cc = read('net/ipv4/tcp_congestion_control')?.trim();
  if (!cc || cc === 'bbr') return null;
  return `hub: TCP sends with ${cc}: classrooms on long lossy links download far slower than with BBR; run 'sudo hub/deploy/tune-network.sh' (README: Hub host network settings)`;
}
