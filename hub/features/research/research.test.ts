// 联合教研 over real HTTP on a real SQLite hub: receiving teachers' notes side by side for the lead teacher of the
// course; a reply reaches the note's classroom and a 优秀做法 every classroom of the lesson through the normal pull;
// heads read but never write; a lead teacher never reaches another course's notes; nothing changes on a refusal.
// Withdrawing: the author or a county admin takes a reply or mark back, and the same classrooms pull the withdrawal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../../src/shared/hlc.ts';
import { PullResponse, type Op } from '../../../src/shared/protocol.ts';
import { signIn, startReportHub, staffFetch, type StaffSession } from '../../testing/staff-report-fixture.ts';
import type { TestHub } from '../../testing/test-hub.ts';
import { createStaffAccount } from '../staff/staff-repo.ts';
import type { ResearchLesson } from './research-repo.ts';

let hub: TestHub;
let lead: StaffSession;
let head: StaffSession;
let county: StaffSession;
let otherLead: StaffSession;
const tokens: Record<string, string> = {};

const note = (deviceId: string, noteId: string, lessonId: string, text: string, n: number): Op => ({
  id: `op-note-${noteId}-${n}`, seq: n, hlc: encodeHlc({ wallMs: 1_700_000_000_000 + n, counter: 0, node: deviceId }), type: 'note.put',
  noteId, lessonId, baseHlc: null, merges: [], anchor: { kind: 'time', seconds: 750 }, text, pause: true, deleted: false,
});

beforeAll(async () => {
  ({ hub } = await startReportHub());
  for (const code of ['DEMO-ZJ-1', 'DEMO-ZJ-2', 'DEMO-LT-1']) {
    const { device } = await hub.enroll(code);
    tokens[code] = device.token;
    const [noteId, lessonId] = code === 'DEMO-LT-1' ? ['note-lt', 'les-p5-0-0'] : [`note-${code.slice(-1)}`, 'les-j7-0-0'];
    const res = await hub.call('/v1/sync/push', { method: 'POST', token: device.token, json: { ops: [note(device.id, noteId, lessonId, `12:30 暂停，用本地例子讲通分（${code}）`, 1)] } });
    expect(res.status).toBe(200);
  }
  lead = await signIn(hub, 'demo-lead', 'lead-demo-2026');
  head = await signIn(hub, 'demo-head', 'head-demo-2026');
  county = await signIn(hub, 'demo-county', 'county-demo-2026');
  // A second lead teacher of the same course: sees the same notes and feedback, may not take the other's back.
  await createStaffAccount(hub.db, { username: 'lead-2', displayName: '李老师（成都七中）', role: 'lead', password: 'second-lead-2026', courseIds: ['crs-math-7'] }, new Date('2026-11-25T02:00:00Z'));
  otherLead = await signIn(hub, 'lead-2', 'second-lead-2026');
}, 60_000);
afterAll(() => hub.close());

const feedback = (session: StaffSession, noteId: string, body: unknown) =>
  staffFetch(hub, session, `/staff/api/research/notes/${noteId}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf }, body: JSON.stringify(body) });
async function pulled(code: string) {
  return (await pulledAll(code)).filter((c) => c.type === 'note.feedback');
}
async function pulledAll(code: string) {
  const changes: PullResponse['changes'] = [];
  for (let cursor = 0, more = true; more; ) {
    const page = PullResponse.parse((await hub.call(`/v1/sync/pull?cursor=${cursor}&limit=2000`, { token: tokens[code] })).body);
    changes.push(...page.changes);
    [cursor, more] = [page.cursor, page.hasMore];
  }
  return changes;
}

describe('联合教研', () => {
  it('the lead teacher sees every classroom’s note for the lesson side by side', async () => {
    const res = await staffFetch(hub, lead, '/staff/api/research/lessons/les-j7-0-0');
    expect(res.status).toBe(200);
    const lesson = (await res.json()) as ResearchLesson;
    expect(lesson.classrooms.map((c) => [c.id, c.notes.map((n) => n.noteId)])).toEqual([
      ['cls-zj-7-1', ['note-1']],
      ['cls-zj-7-2', ['note-2']],
    ]);
    expect(lesson.classrooms[0]?.notes[0]).toMatchObject({ anchor: { kind: 'time', seconds: 750 }, pause: true });
    const list = (await (await staffFetch(hub, lead, '/staff/api/research/lessons')).json()) as { lessons: { lessonId: string }[] };
    expect(list.lessons.map((l) => l.lessonId)).toEqual(['les-j7-0-0']); // les-p5-0-0 is another teacher's course
  });

  it('a reply reaches only the note’s classroom; a 优秀做法 every classroom of the lesson', async () => {
    const reply = await feedback(lead, 'note-1', { kind: 'reply', text: '这个停顿点很好，可以再加一道练习。' });
    expect(reply.status).toBe(201);
    expect((await pulled('DEMO-ZJ-1')).map((c) => c.type === 'note.feedback' && [c.feedback.kind, c.feedback.noteId, c.feedback.author])).toEqual([['reply', 'note-1', '王晓峰（成都七中）']]);
    expect(await pulled('DEMO-ZJ-2')).toEqual([]);
    expect((await feedback(lead, 'note-2', { kind: 'good', text: '' })).status).toBe(201);
    const shared = await pulled('DEMO-ZJ-1');
    expect(shared.map((c) => c.type === 'note.feedback' && [c.feedback.kind, c.feedback.noteId, c.feedback.note.classroom])).toEqual([
      ['reply', 'note-1', '七年级(1)班'],
      ['good', 'note-2', '七年级(2)班'],
    ]);
    expect(await pulled('DEMO-LT-1')).toEqual([]);
    const lesson = (await (await staffFetch(hub, lead, '/staff/api/research/lessons/les-j7-0-0')).json()) as ResearchLesson;
    expect(lesson.classrooms[0]?.notes[0]?.feedback.map((f) => f.kind)).toEqual(['reply']);
  });

  it('refused, and nothing stored or sent: a head replying, another course’s note, no CSRF token, an empty reply', async () => {
    const before = await hub.db.get<{ n: number }>(`SELECT count(*) AS n FROM changes`);
    expect((await feedback(head, 'note-1', { kind: 'reply', text: '校长回复' })).status).toBe(403);
    expect((await feedback(lead, 'note-lt', { kind: 'reply', text: '别人的课' })).status).toBe(404);
    expect((await feedback(lead, 'note-1', { kind: 'reply', text: '   ' })).status).toBe(400);
    expect((await feedback(lead, 'note-1', { kind: 'like', text: 'x' })).status).toBe(400);
    const noCsrf = await staffFetch(hub, lead, '/staff/api/research/notes/note-1/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'reply', text: 'x' }) });
    expect(noCsrf.status).toBe(403);
    expect(await hub.db.get(`SELECT count(*) AS n FROM changes`)).toEqual(before);
    expect((await staffFetch(hub, lead, '/staff/api/research/lessons/les-p5-0-0')).status).toBe(404);
    // The head reads their own school's notes, not 理塘's.
    expect((await staffFetch(hub, head, '/staff/api/research/lessons/les-p5-0-0')).status).toBe(404);
    expect((await staffFetch(hub, head, '/staff/api/research/lessons/les-j7-0-0')).status).toBe(200);
  });
});

const withdraw = (session: StaffSession, feedbackId: string, init: { csrf?: boolean; body?: string } = {}) =>
  staffFetch(hub, session, `/staff/api/research/feedback/${feedbackId}/withdraw`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(init.csrf === false ? {} : { 'x-csrf-token': session.csrf }) },
    body: init.body ?? '{}',
  });
const withdrawals = async (code: string) => (await pulledAll(code)).flatMap((c) => (c.type === 'note.feedback.withdraw' ? [c.feedbackId] : []));
const posted = async (session: StaffSession, noteId: string, kind: 'reply' | 'good', text: string) => {
  const res = await feedback(session, noteId, { kind, text });
  expect(res.status).toBe(201);
  return ((await res.json()) as { feedback: { id: string } }).feedback.id;
};
const lessonAs = async (session: StaffSession) => (await (await staffFetch(hub, session, '/staff/api/research/lessons/les-j7-0-0')).json()) as ResearchLesson;
const feedbackRows = () => hub.db.all(`SELECT id, withdrawn_at, withdrawn_by FROM note_feedback ORDER BY id`);
const changeCount = () => hub.db.get<{ n: number }>(`SELECT count(*) AS n FROM changes`);

describe('withdrawing 联合教研 feedback', () => {
  it('the author takes a reply back: the note’s classroom pulls the withdrawal, the page shows it withdrawn to its author only', async () => {
    const id = await posted(lead, 'note-1', 'reply', '发错了，这条撤回。');
    const res = await withdraw(lead, id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ withdrawal: { feedbackId: id, withdrawnAt: '2026-11-25T02:00:00.000Z', alreadyWithdrawn: false } });
    expect(await withdrawals('DEMO-ZJ-1')).toEqual([id]);
    expect(await withdrawals('DEMO-ZJ-2')).toEqual([]);
    const shown = (await lessonAs(lead)).classrooms[0]?.notes[0]?.feedback.find((f) => f.id === id);
    expect(shown).toMatchObject({ withdrawnAt: '2026-11-25T02:00:00.000Z', canWithdraw: true });
    // Others (a head, another lead teacher) no longer see it; the earlier reply stays, not theirs to take back.
    for (const other of [head, otherLead]) {
      const feedback = (await lessonAs(other)).classrooms[0]?.notes[0]?.feedback ?? [];
      expect(feedback.map((f) => f.id)).not.toContain(id);
      expect(feedback.map((f) => [f.kind, f.canWithdraw, f.withdrawnAt])).toEqual([['reply', false, null]]);
    }
  });

  it('taking a 优秀做法 mark back reaches every classroom of the lesson; the 优秀做法 tag goes', async () => {
    const id = await posted(lead, 'note-1', 'good', '');
    expect((await withdraw(lead, id)).status).toBe(200);
    expect(await withdrawals('DEMO-ZJ-1')).toContain(id);
    expect(await withdrawals('DEMO-ZJ-2')).toEqual([id]);
    expect(await withdrawals('DEMO-LT-1')).toEqual([]);
  });

  it('withdrawing twice answers the first withdrawal and sends nothing again', async () => {
    const id = await posted(lead, 'note-2', 'reply', '再撤一次');
    const first = (await (await withdraw(lead, id)).json()) as { withdrawal: { withdrawnAt: string } };
    const before = [await changeCount(), await feedbackRows()];
    const again = await withdraw(lead, id);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ withdrawal: { feedbackId: id, withdrawnAt: first.withdrawal.withdrawnAt, alreadyWithdrawn: true } });
    expect([await changeCount(), await feedbackRows()]).toEqual(before);
  });

  it('a county admin may take a lead teacher’s feedback back (and is recorded as who did)', async () => {
    const id = await posted(lead, 'note-2', 'reply', '县里撤回');
    expect((await withdraw(county, id)).status).toBe(200);
    const countyId = (await hub.db.get<{ id: string }>(`SELECT id FROM staff_accounts WHERE username = 'demo-county'`))?.id;
    expect(await hub.db.get(`SELECT withdrawn_by FROM note_feedback WHERE id = ?`, [id])).toEqual({ withdrawn_by: countyId });
    expect(await withdrawals('DEMO-ZJ-2')).toContain(id);
  });

  it('refused by name, and nothing withdrawn or sent: a head, another teacher’s feedback, another course, unknown, no CSRF, a body', async () => {
    const mine = await posted(lead, 'note-1', 'reply', '留着');
    const elsewhere = await posted(county, 'note-lt', 'reply', '理塘的笔记'); // another course than the lead teacher's
    const before = [await changeCount(), await feedbackRows()];
    const refusals: [StaffSession, string, Parameters<typeof withdraw>[2], number, string][] = [
      [head, mine, {}, 403, 'forbidden'],
      [otherLead, mine, {}, 403, 'forbidden'],
      [lead, elsewhere, {}, 404, 'not_found'],
      [otherLead, elsewhere, {}, 404, 'not_found'],
      [lead, 'fb_0000000000000000', {}, 404, 'not_found'],
      [lead, mine, { csrf: false }, 403, 'forbidden'],
      [lead, mine, { body: '{"kind":"reply"}' }, 400, 'bad_request'],
    ];
    for (const [session, id, init, status, code] of refusals) {
      const res = await withdraw(session, id, init);
      expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([status, code]);
    }
    expect((await withdraw(lead, 'no%20such')).status).toBe(400);
    expect([await changeCount(), await feedbackRows()]).toEqual(before);
    expect((await lessonAs(lead)).classrooms[0]?.notes[0]?.feedback.find((f) => f.id === mine)).toMatchObject({ withdrawnAt: null, canWithdraw: true });
  });
});
