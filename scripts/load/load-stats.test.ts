import { describe, expect, it } from 'vitest';
import { createAckLedger, createRecoveryClock, percentile } from './load-stats.ts';

describe('percentile (nearest rank)', () => {
  it.each([
    [[], 99, 0],
    [[5], 99, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 99, 10],
    [Array.from({ length: 1000 }, (_, i) => i + 1), 99, 990],
  ])('%j p%d = %d', (values, p, expected) => expect(percentile(values, p)).toBe(expected));
});

describe('ack ledger', () => {
  it('counts an op applied twice, never one applied then duplicate', () => {
    const ledger = createAckLedger();
    ledger.record('a', 'applied');
    ledger.record('a', 'duplicate');
    ledger.record('b', 'applied');
    ledger.record('b', 'applied');
    ledger.record('c', 'rejected', 'roster');
    expect(ledger.appliedTwice()).toBe(1);
    expect(ledger.applied()).toBe(2);
    expect([ledger.acknowledged('a'), ledger.acknowledged('c')]).toEqual([true, false]);
    expect(ledger.rejected()).toEqual(['c: roster']);
  });
});

describe('recovery clock', () => {
  it('is the slowest failing classroom’s first success after the kill', () => {
    let t = 0;
    const clock = createRecoveryClock(() => t);
    clock.failed('x'); // before the kill: not counted
    t = 100;
    clock.killed();
    t = 150;
    clock.failed('a');
    clock.failed('b');
    t = 400;
    clock.succeeded('a');
    t = 900;
    clock.succeeded('b');
    clock.succeeded('c');
    expect(clock.result()).toEqual({ recoveryMs: 800, failedRequests: 2, clientsAffected: 2, stillFailing: 0 });
  });

  it('without failures, the first success after the kill', () => {
    let t = 0;
    const clock = createRecoveryClock(() => t);
    clock.killed();
    t = 30;
    clock.succeeded('a');
    expect(clock.result().recoveryMs).toBe(30);
  });
});
