// Test fixture for the staff report: a test hub with the demo staff, classroom records pushed by real devices, and
// signing in over HTTP (the cookie and CSRF token a browser would hold).
import { expect } from 'vitest';
import { encodeHlc } from '../../src/shared/hlc.ts';
import type { Op } from '../../src/shared/protocol.ts';
import type { HubRoute } from '../core/http/access-groups.ts';
import { ensureDemoStaff } from '../features/staff/demo-staff.ts';
import { startTestHub, type TestHub } from './test-hub.ts';

export type StaffSession = { cookie: string; csrf: string };

export async function startReportHub(): Promise<{ hub: TestHub; routes: HubRoute[] }> {
  const routes: HubRoute[] = [];
  const hub = await startTestHub(undefined, { onRoute: (r) => routes.push(r) });
  await ensureDemoStaff(hub.db, new Date('2026-11-25T02:00:00Z'));
  return { hub, routes };
}

export async function signIn(hub: TestHub, username: string, password: string): Promise<StaffSession> {
  const res = await fetch(`${hub.base}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(res.status).toBe(200);
  const cookie = /^(ykt_staff=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error('no session cookie');
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

export function staffFetch(hub: TestHub, session: StaffSession | null, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (session) headers.set('cookie', session.cookie);
  return fetch(`${hub.base}${path}`, { ...init, headers });
}

let n = 0;
/** Attendance and 随堂测 answers for one lesson from one classroom's device, as the app pushes them. */
export async function pushLessonRecords(hub: TestHub, code: string, lessonId: string, quizId: string, students: { id: string; status: 'present' | 'absent' | 'late' | 'leave'; choices: number[] }[]) {
  const { device } = await hub.enroll(code);
  const hlc = () => encodeHlc({ wallMs: 1_700_000_000_000 + ++n, counter: 0, node: device.id });
  const ops: Op[] = [];
  for (const s of students) {
    ops.push({ id: `op-r-${process.pid}-${++n}`, seq: n, hlc: hlc(), type: 'attendance.set', lessonId, studentId: s.id, status: s.status });
    s.choices.forEach((choice, i) => ops.push({ id: `op-r-${process.pid}-${++n}`, seq: n, hlc: hlc(), type: 'quiz.answer', lessonId, quizId, questionId: `q${i + 1}`, studentId: s.id, choice }));
  }
  const res = await hub.call('/v1/sync/push', { method: 'POST', token: device.token, json: { ops } });
  expect(res.status).toBe(200);
  return device;
}
