#!/bin/sh
# Tunes the hub host's TCP for village links: BBR congestion control, fq pacing, no slow start after idle.
# Why (measured on a 2 Mbit/s, 300 ms, 3 % loss link, tests/net/README.md): a stock Debian/Ubuntu server sends with
# CUBIC, which treats every random loss as congestion — one download stream gets 0.12–0.25 of the link. BBR paces to
# the measured bandwidth and ignores random loss: one stream gets ~0.8, and the classroom downloader ~0.9.
#
#   sudo hub/deploy/tune-network.sh          write /etc/sysctl.d/90-ykt-hub-network.conf and apply it now
#   hub/deploy/tune-network.sh --check       say what the host sends with now; change nothing (exit 1 if not tuned)
#
# SYSCTL_DIR / MODULES_DIR / PROC_SYS change where it writes and reads (for the test in a network namespace).
set -eu

SYSCTL_DIR=${SYSCTL_DIR:-/etc/sysctl.d}
MODULES_DIR=${MODULES_DIR:-/etc/modules-load.d}
PROC_SYS=${PROC_SYS:-/proc/sys}
CONF="$SYSCTL_DIR/90-ykt-hub-network.conf"

read_sys() { cat "$PROC_SYS/$1" 2>/dev/null || echo "?"; }

check() {
  cc=$(read_sys net/ipv4/tcp_congestion_control)
  qdisc=$(read_sys net/core/default_qdisc)
  idle=$(read_sys net/ipv4/tcp_slow_start_after_idle)
  echo "congestion control: $cc (want bbr)"
  echo "default qdisc: $qdisc (want fq)"
  echo "slow start after idle: $idle (want 0)"
  [ "$cc" = bbr ] && [ "$idle" = 0 ]
}

if [ "${1:-}" = "--check" ]; then
  check && exit 0
  echo "not tuned: run 'sudo $0'"
  exit 1
fi

if [ "$(id -u)" != 0 ]; then
  echo "run as root (it writes $CONF)" >&2
  exit 2
fi

# BBR is a module on stock kernels (tcp_bbr, Linux 4.9+); load it now and at every boot.
if ! grep -qw bbr "$PROC_SYS/net/ipv4/tcp_available_congestion_control"; then
  modprobe tcp_bbr 2>/dev/null || true
  if ! grep -qw bbr "$PROC_SYS/net/ipv4/tcp_available_congestion_control"; then
    echo "this kernel has no BBR (tcp_bbr): the hub keeps CUBIC; downloads still use many connections" >&2
    exit 3
  fi
fi
mkdir -p "$MODULES_DIR" "$SYSCTL_DIR"
echo tcp_bbr > "$MODULES_DIR/ykt-hub-bbr.conf"

{
  echo "# Written by hub/deploy/tune-network.sh (yunketang hub): TCP for long lossy village links."
  echo "net.ipv4.tcp_congestion_control = bbr"
  echo "# A chunk request follows the last one after a round trip; keep the window instead of starting over."
  echo "net.ipv4.tcp_slow_start_after_idle = 0"
  # fq paces each connection; BBR paces by itself without it (Linux 4.13+), so a kernel without fq still works.
  if [ -e "$PROC_SYS/net/core/default_qdisc" ] && modprobe sch_fq 2>/dev/null; then
    echo "net.core.default_qdisc = fq"
  fi
} > "$CONF"

sysctl -q -p "$CONF"
echo "wrote $CONF"
if grep -q default_qdisc "$CONF"; then
  # Interfaces already up keep their qdisc until they are set up again: the next reboot changes them to fq.
  echo "fq applies to interfaces set up from now on (reboot once to move the network card to it)"
else
  echo "no fq qdisc on this kernel: BBR paces by itself"
fi
check
