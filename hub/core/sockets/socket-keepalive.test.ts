// The one hello/join deadline and idle timer every hub socket uses (sync, county live, edge live), on a fake clock.
import { describe, expect, it } from 'vitest';
import { HELLO_TIMEOUT_MS, socketDeadline } from './socket-keepalive.ts';
import type { Timers } from '../../../src/shared/timers.ts';

function fakeClock() {
  let now = 0;
  let nextId = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const id = nextId++;
      pending.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = [...pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = until;
  };
  return { timers, advance, pending: () => pending.size };
}

function socket(options: { helloMs?: number; idleMs?: number } = {}) {
  const clock = fakeClock();
  let bytes = 0;
  const expired: string[] = [];
  const deadline = socketDeadline({ ...options, timers: clock.timers, bytesRead: () => bytes, onExpired: (why) => expired.push(why) });
  return { clock, deadline, expired, read: (n: number) => (bytes += n) };
}

describe('socketDeadline', () => {
  it('closes a socket that never says hello at HELLO_TIMEOUT_MS (10 s), not before', () => {
    const s = socket();
    s.clock.advance(HELLO_TIMEOUT_MS - 1);
    expect(s.expired).toEqual([]);
    s.clock.advance(1);
    expect(s.expired).toEqual(['no_hello']);
    expect(HELLO_TIMEOUT_MS).toBe(10_000);
  });

  it('bytes read before the hello do not extend the deadline (a client that only sends garbage is still closed)', () => {
    const s = socket({ helloMs: 100 });
    s.read(5_000);
    s.clock.advance(100);
    expect(s.expired).toEqual(['no_hello']);
  });

  it('waits for a hello being answered; closes at once if it is refused after the deadline', () => {
    const s = socket({ helloMs: 100 });
    s.deadline.answering();
    s.clock.advance(500);
    expect(s.expired).toEqual([]);
    s.deadline.refused();
    expect(s.expired).toEqual(['no_hello']);
  });

  it('a refusal before the deadline lets the client try again until the deadline', () => {
    const s = socket({ helloMs: 100 });
    s.deadline.answering();
    s.clock.advance(50);
    s.deadline.refused();
    s.clock.advance(49);
    expect(s.expired).toEqual([]);
    s.clock.advance(1);
    expect(s.expired).toEqual(['no_hello']);
  });

  it('a hello accepted after a slow answer keeps the socket; without idleMs nothing is armed afterwards', () => {
    const s = socket({ helloMs: 100 });
    s.deadline.answering();
    s.clock.advance(300);
    s.deadline.greeted();
    s.clock.advance(3_600_000);
    expect(s.expired).toEqual([]);
    expect(s.clock.pending()).toBe(0);
  });

  it('after the hello: idle means nothing read for idleMs; bytes arriving or work done keep it open', () => {
    const s = socket({ helloMs: 100, idleMs: 1_000 });
    s.deadline.greeted();
    s.clock.advance(900);
    s.read(10); // a batch dribbling in
    s.clock.advance(900); // at 1 000 ms something had been read: counted again from there
    expect(s.expired).toEqual([]);
    s.deadline.activity(); // a batch applied at 1 800 ms
    s.clock.advance(999);
    expect(s.expired).toEqual([]);
    s.clock.advance(1);
    expect(s.expired).toEqual(['idle']);
  });

  it('stop() ends every timer (a closed socket is never closed again)', () => {
    const s = socket({ helloMs: 100, idleMs: 100 });
    s.deadline.stop();
    s.clock.advance(1_000);
    expect(s.expired).toEqual([]);
    expect(s.clock.pending()).toBe(0);
  });
});
