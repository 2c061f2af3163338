import { describe, expect, it } from 'vitest';
import type { OpAck } from './protocol.ts';
import { compactAcks, expandAcks } from './push-acks.ts';

const op = (seq: number) => ({ id: `op-${seq}`, seq });
const applied = (seq: number): OpAck => ({ id: `op-${seq}`, status: 'applied' });

describe('compact push acks', () => {
  it.each([
    ['a contiguous batch → one range', [1, 2, 3, 4], [applied(1), applied(2), applied(3), applied(4)], [[1, 4]], []],
    ['duplicates count as acknowledged', [7, 8], [applied(7), { id: 'op-8', status: 'duplicate' }], [[7, 8]], []],
    ['a rejected op splits the range and stays by id', [1, 2, 3], [applied(1), { id: 'op-2', status: 'rejected', reason: 'not on roster' }, applied(3)], [[1, 1], [3, 3]], [{ id: 'op-2', status: 'rejected', reason: 'not on roster' }]],
    ['out of order seqs are sorted and merged', [5, 3, 4], [applied(5), applied(3), applied(4)], [[3, 5]], []],
  ] as const)('%s', (_name, seqs, acks, ranges, rest) => {
    const ops = seqs.map(op);
    const compact = compactAcks(ops, acks);
    expect(compact.acknowledged).toEqual(ranges);
    expect(compact.acks).toEqual(rest);
    // And back: every op gets its ack again (applied or duplicate read as applied: both leave the outbox).
    const expanded = expandAcks(ops, compact.acknowledged, compact.acks);
    expect(new Set(expanded.map((a) => a.id))).toEqual(new Set(ops.map((o) => o.id)));
  });

  it('an op without a usable seq (malformed) is answered by id', () => {
    const compact = compactAcks([{ id: 'x' }, op(1)], [{ id: 'x', status: 'rejected', reason: 'malformed op' }, applied(1)]);
    expect(compact).toEqual({ acknowledged: [[1, 1]], acks: [{ id: 'x', status: 'rejected', reason: 'malformed op' }] });
  });

  it('expanding acknowledges only ops that were sent: a range beyond them acknowledges nothing else', () => {
    const expanded = expandAcks([op(10), op(11)], [[1, 1000]], []);
    expect(expanded.map((a) => a.id)).toEqual(['op-10', 'op-11']);
    expect(expandAcks([op(10)], [[11, 20]], [])).toEqual([]); // not acknowledged: the outbox keeps it
  });
});
