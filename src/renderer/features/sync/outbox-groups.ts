// One line per kind of record, lesson and state: "考勤 × 43" reads better on a board than 43 lines.
import type { OutboxEntry } from '../../db/outbox-rows.ts';

export type OutboxGroup = { key: string; first: OutboxEntry; count: number };

export function groupOutbox(rows: readonly OutboxEntry[]): OutboxGroup[] {
  const groups = new Map<string, OutboxGroup>();
  for (const row of rows) {
    const key = `${row.op.type}|${row.op.lessonId}|${row.status}|${row.lastError?.code ?? ''}|${row.lastError?.detail ?? ''}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { key, first: row, count: 1 });
  }
  return [...groups.values()];
}
