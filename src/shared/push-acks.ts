// Compact push acknowledgements. Acknowledging each op by id costs ~55 bytes per op on the way back — 110 KB for a
// batch of 2000, longer than the batch itself takes to go up a 1 Mbit/s link, and on the downlink that the content
// downloads fill. A client that asks for `acks: 'compact'` gets the acknowledged ops (applied, or duplicate: applied
// before) as ranges of its own sequence numbers, and acks by id only for the ops that were not (rejected). Pure;
// the hub compacts, the hub client expands, so the outbox code sees per-op acks either way.
import type { OpAck } from './protocol.ts';

/** Inclusive ranges [from, to] of per-device sequence numbers. */
export type SeqRanges = [number, number][];

/** `ops[i]` was answered by `acks[i]`: the acknowledged ones as seq ranges, the rest (rejected, or no seq) by id. */
export function compactAcks(ops: readonly unknown[], acks: readonly OpAck[]): { acknowledged: SeqRanges; acks: OpAck[] } {
  const seqs: number[] = [];
  const rest: OpAck[] = [];
  acks.forEach((ack, i) => {
    const seq = seqOf(ops[i]);
    if ((ack.status === 'applied' || ack.status === 'duplicate') && seq !== null) seqs.push(seq);
    else rest.push(ack);
  });
  seqs.sort((a, b) => a - b);
  const acknowledged: SeqRanges = [];
  for (const seq of seqs) {
    const last = acknowledged.at(-1);
    if (last && seq <= last[1] + 1) last[1] = Math.max(last[1], seq);
    else acknowledged.push([seq, seq]);
  }
  return { acknowledged, acks: rest };
}

/** Per-op acks for the ops sent: an op whose seq lies in a range is acknowledged; acks by id are kept as they are. */
export function expandAcks(sent: readonly { id: string; seq: number }[], acknowledged: SeqRanges, acks: readonly OpAck[]): OpAck[] {
  const inRange = (seq: number) => acknowledged.some(([from, to]) => seq >= from && seq <= to);
  const byId = new Set(acks.map((a) => a.id));
  return [...acks, ...sent.filter((op) => !byId.has(op.id) && inRange(op.seq)).map((op): OpAck => ({ id: op.id, status: 'applied' }))];
}

function seqOf(op: unknown): number | null {
  if (typeof op !== 'object' || op === null || !('seq' in op)) return null;
  const { seq } = op;
  return typeof seq === 'number' && Number.isInteger(seq) && seq >= 0 ? seq : null;
}
