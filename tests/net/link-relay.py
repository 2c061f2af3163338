#!/usr/bin/env python3
"""Userspace link stage between two network namespaces (the kernel here has no netem).

Usage: link-relay.py HUB_NS CLIENT_NS IFNAME

Creates a TAP device IFNAME inside each namespace and forwards Ethernet frames between them. Per direction it
models one bottleneck: frames are serialised at `rateKbit` through a FIFO capped at QUEUE_MS of backlog (tail drop,
so a slow link does not buffer forever), then held for rttMs/2 of propagation delay. `lossPct` drops frames at random
on entry; `cut` drops everything, including frames already in flight.

Control: one JSON object per line on stdin, e.g. {"rateKbit":1500,"rttMs":300,"lossPct":3}, {"cut":true}; fields
left out keep their value, 0 means "off"; {"stats":true} changes nothing. Each command is answered by one JSON line
on stdout, which also carries the TCP payload bytes delivered each way so far (new sequence space only, so a
retransmission counts once: what a transfer really cost the link, whatever the sender's congestion control). "ready" is printed
once both TAPs exist. The relay exits when stdin closes, so it cannot outlive its owner. Stdlib only.
"""
import ctypes
import fcntl
import heapq
import json
import os
import random
import select
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000
QUEUE_MS = 250          # bufferbloat cap: the most backlog a rate-limited direction holds before tail-dropping
MAX_IN_FLIGHT = 20000   # hard bound on frames held in the delay heap
MAX_READS_PER_WAKE = 64

libc = ctypes.CDLL(None, use_errno=True)


def enter_netns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns {path}: {os.strerror(err)}")
    finally:
        os.close(fd)


def open_tap(netns, ifname):
    """Open /dev/net/tun while inside `netns`: the TAP is created in the namespace of the opener."""
    enter_netns(f"/var/run/netns/{netns}")
    # Keep the link quiet: no IPv6 autoconf/DAD chatter crossing the emulated link.
    try:
        with open("/proc/sys/net/ipv6/conf/default/disable_ipv6", "w") as f:
            f.write("1")
    except OSError:
        pass
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", ifname.encode(), IFF_TAP | IFF_NO_PI))
    return fd


class Direction:
    """One way of the link: a serialising bottleneck followed by a fixed propagation delay."""

    def __init__(self, out_fd):
        self.out_fd = out_fd
        self.link_free_at = 0.0  # when the bottleneck finishes sending what is already queued

    def admit(self, frame, now, shape):
        if shape["cut"] or random.random() * 100 < shape["lossPct"]:
            return None
        start = max(now, self.link_free_at)
        if shape["rateKbit"] > 0:
            if start - now > QUEUE_MS / 1000:
                return None  # queue full: tail drop
            self.link_free_at = start + len(frame) * 8 / (shape["rateKbit"] * 1000)
            start = self.link_free_at
        return start + shape["rttMs"] / 2000


class TcpCounter:
    """Unique TCP payload bytes delivered one way: per flow, the sequence ranges delivered so far (merged); a segment
    counts only for the bytes it adds, so a retransmission of a delivered segment counts nothing and one of a lost
    segment counts in full."""

    def __init__(self):
        self.bytes = 0
        self.flows = {}  # (addresses, ports) -> (base sequence number, sorted disjoint [start, end) offsets from it)

    def count(self, frame):
        if len(frame) < 54 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
            return  # not IPv4/TCP
        ihl = (frame[14] & 0x0F) * 4
        tcp = 14 + ihl
        if len(frame) < tcp + 20:
            return
        payload = struct.unpack("!H", frame[16:18])[0] - ihl - (frame[tcp + 12] >> 4) * 4
        if payload <= 0:
            return
        key = frame[26:34] + frame[tcp:tcp + 4]
        seq = struct.unpack("!I", frame[tcp + 4:tcp + 8])[0]
        base, ranges = self.flows.setdefault(key, (seq, []))
        start = (seq - base + 0x80000000) % 0x100000000 - 0x80000000  # signed distance: sequence numbers wrap
        end = start + payload
        added = payload
        merged = []
        for lo, hi in ranges:
            if hi < start or lo > end:
                merged.append((lo, hi))
                continue
            added -= max(0, min(hi, end) - max(lo, start))
            start, end = min(lo, start), max(hi, end)
        merged.append((start, end))
        merged.sort()
        self.flows[key] = (base, merged)
        self.bytes += added


def apply(shape, cmd):
    for key in ("rateKbit", "rttMs", "lossPct"):
        if key in cmd:
            value = float(cmd[key])
            if value < 0 or (key == "lossPct" and value > 100):
                raise ValueError(f"bad {key}: {value}")
            shape[key] = value
    if "cut" in cmd:
        shape["cut"] = bool(cmd["cut"])


def realtime_priority():
    """Run ahead of everything else on the machine: a starved relay reads frames late and in bursts, which would turn
    into queueing delay and tail drops that the emulated link does not have. It needs little CPU (select-driven), and
    the kernel's real-time throttling still leaves the rest of the machine its share."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
        return True
    except (OSError, AttributeError):
        return False  # not permitted here: the link is still right on an idle machine


def main():
    hub_ns, client_ns, ifname = sys.argv[1:4]
    realtime = realtime_priority()
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    hub_fd = open_tap(hub_ns, ifname)
    client_fd = open_tap(client_ns, ifname)
    libc.setns(home, CLONE_NEWNET)
    os.close(home)

    shape = {"rateKbit": 0.0, "rttMs": 0.0, "lossPct": 0.0, "cut": False}
    directions = {hub_fd: Direction(client_fd), client_fd: Direction(hub_fd)}
    delivered = {client_fd: TcpCounter(), hub_fd: TcpCounter()}  # keyed by the side frames are delivered to
    in_flight = []  # heap of (due, seq, out_fd, frame)
    seq = 0
    stdin = sys.stdin.buffer
    pending = b""
    print("ready", flush=True)
    if not realtime:
        print("link-relay: no real-time priority; figures on a busy machine will be low", file=sys.stderr, flush=True)

    while True:
        now = time.monotonic()
        while in_flight and in_flight[0][0] <= now:
            _, _, out_fd, frame = heapq.heappop(in_flight)
            try:
                os.write(out_fd, frame)
                delivered[out_fd].count(frame)
            except OSError:
                pass  # interface down or queue full on the far side: the frame is lost, like on a wire
        timeout = max(0.0, in_flight[0][0] - now) if in_flight else None
        readable, _, _ = select.select([hub_fd, client_fd, stdin], [], [], timeout)
        for fd in readable:
            if fd is stdin:
                chunk = os.read(stdin.fileno(), 65536)
                if not chunk:
                    return  # owner went away
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    if not line.strip():
                        continue
                    try:
                        apply(shape, json.loads(line))
                        if shape["cut"]:
                            in_flight.clear()
                            for d in directions.values():
                                d.link_free_at = 0.0
                        tcp = {"toClient": delivered[client_fd].bytes, "toHub": delivered[hub_fd].bytes}
                        print(json.dumps({"ok": True, **shape, "tcpPayloadBytes": tcp}), flush=True)
                    except (ValueError, TypeError) as e:
                        print(json.dumps({"ok": False, "error": str(e)}), flush=True)
                continue
            now = time.monotonic()
            for _ in range(MAX_READS_PER_WAKE):
                try:
                    frame = os.read(fd, 65536)
                except BlockingIOError:
                    break
                due = directions[fd].admit(frame, now, shape)
                if due is not None and len(in_flight) < MAX_IN_FLIGHT:
                    seq += 1
                    heapq.heappush(in_flight, (due, seq, directions[fd].out_fd, frame))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
