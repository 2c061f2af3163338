// A stored change that no longer parses is skipped (and logged), never a failing pull: over real HTTP, the changes
// around it arrive, the cursor moves past it, and the change log itself is left as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PullResponse } from '../../../src/shared/protocol.ts';
import { startTestHub, type TestHub } from '../../testing/test-hub.ts';
import { testStoreKind } from '../../testing/test-store.ts';

let hub: TestHub;
let token: string;
let classroomId: string;
beforeAll(async () => {
  hub = await startTestHub();
  const enrolled = await hub.enroll('DEMO-LT-1');
  token = enrolled.device.token;
  classroomId = enrolled.classroom.id;
});
afterAll(() => hub.close());

async function pullFrom(cursor: number) {
  const res = await hub.call(`/v1/sync/pull?cursor=${cursor}&limit=2000`, { token });
  expect(res.status).toBe(200);
  return PullResponse.parse(res.body);
}
async function drain() {
  let page = await pullFrom(0);
  while (page.hasMore) page = await pullFrom(page.cursor);
  return page.cursor;
}
const insert = async (payload: string) => {
  const row = await hub.db.get<{ seq: number }>(`INSERT INTO changes (classroom_id, payload, created_at) VALUES (?, ?, ?) RETURNING seq`, [classroomId, payload, '2026-11-25T02:00:00.000Z']);
  return row?.seq ?? 0;
};
const changeRows = () => hub.db.all(`SELECT * FROM changes ORDER BY seq`);

describe('pull skips a stored change that does not parse', () => {
  it.each([
    ['truncated JSON', '{"type":"lesson.delete","id":'],
    // PostgreSQL text cannot hold NUL at all, so there the damage starts one byte later.
    ['not JSON at all', testStoreKind() === 'postgres' ? '\u0001binary' : '\u0000\u0001binary'],
    ['a change type this hub does not know', '{"type":"pack.put","pack":{}}'],
    ['a known type with a bad field', '{"type":"student.delete","id":"has spaces and / slashes"}'],
    ['JSON null', 'null'],
  ])('%s', async (_name, payload) => {
    const cursor = await drain();
    const before = await insert(JSON.stringify({ type: 'lesson.delete', id: `gone-before-${cursor}` }));
    const bad = await insert(payload);
    const after = await insert(JSON.stringify({ type: 'lesson.delete', id: `gone-after-${cursor}` }));
    const stored = await changeRows();

    const page = await pullFrom(cursor);
    expect(page.changes).toEqual([
      { type: 'lesson.delete', id: `gone-before-${cursor}` },
      { type: 'lesson.delete', id: `gone-after-${cursor}` },
    ]);
    expect(page.cursor).toBe(after);
    expect(bad).toBeGreaterThan(before);
    // The next pull starts after the bad row: it does not come back, and nothing in the log was changed.
    expect((await pullFrom(page.cursor)).changes).toEqual([]);
    expect(await changeRows()).toEqual(stored);
  });

  it('a page made only of bad rows still moves the cursor on', async () => {
    const cursor = await drain();
    await insert('{');
    const last = await insert('[]');
    const page = await pullFrom(cursor);
    expect(page).toMatchObject({ changes: [], cursor: last, hasMore: false });
  });
});
