// A receiving classroom as the hub sees it, without the renderer: enroll with a code, pull the timetable by cursor, make
// a school day's records (attendance for every student of every lesson, a 二次备课 note, the 随堂测 answers) as the ops
// the app's outbox would push, and push them. Used by the multi-node e2e test and `npm run load`; every answer is
// parsed with the shared protocol schemas.
import { encodeHlc } from '../../src/shared/hlc.ts';
import {
  Change,
  EnrollResponse,
  ErrorResponse,
  HubPaths,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  PullPage,
  PushResponse,
  type AttendanceStatus,
  type Lesson,
  type Op,
  type OpAck,
  type Quiz,
  type Student,
} from '../../src/shared/protocol.ts';

export type Timetable = { lessons: Lesson[]; students: Student[]; quizzes: Quiz[]; cursor: number; pages: number };

/** A hub answer that is not a success, with its named code (or `network` when no answer came). */
export class HubCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'HubCallError';
  }
}

async function call(url: string, path: string, init: RequestInit & { token?: string; json?: unknown; jsonText?: string }, timeoutMs = 30_000): Promise<unknown> {
  const headers = new Headers(init.headers);
  headers.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  const requestBody = init.jsonText ?? (init.json !== undefined ? JSON.stringify(init.json) : undefined);
  if (requestBody !== undefined) headers.set('content-type', 'application/json');
  let res: Response;
  try {
    res = await fetch(`${url}${path}`, { ...init, headers, signal: AbortSignal.timeout(timeoutMs), ...(requestBody !== undefined ? { body: requestBody } : {}) });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    throw new HubCallError(0, 'network', error instanceof Error ? `${error.message}${cause}` : String(error));
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (res.ok) return body;
  const parsed = ErrorResponse.safeParse(body);
  throw parsed.success ? new HubCallError(res.status, parsed.data.error.code, parsed.data.error.message) : new HubCallError(res.status, 'invalid_response', `HTTP ${res.status}`);
}

export async function enrollClassroom(url: string, code: string, deviceName = '教室电脑'): Promise<EnrollResponse> {
  return EnrollResponse.parse(await call(url, HubPaths.enroll, { method: 'POST', json: { code, deviceName } }));
}

/** An enrollment code for a classroom, issued through the admin API. */
export async function issueCode(url: string, adminToken: string, classroomId: string): Promise<string> {
  const body = (await call(url, '/v1/admin/enrollment-codes', { method: 'POST', token: adminToken, json: { classroomId } })) as { code?: unknown };
  if (typeof body.code !== 'string') throw new HubCallError(201, 'invalid_response', 'no code in the answer');
  return body.code;
}

/** Every page of the classroom's changes since `from`, applied to a fresh timetable (puts replace, deletes remove). */
export async function pullTimetable(url: string, token: string, onPage: (ms: number) => void = () => {}, from = 0): Promise<Timetable> {
  const lessons = new Map<string, Lesson>();
  const students = new Map<string, Student>();
  const quizzes = new Map<string, Quiz>();
  let cursor = from;
  let pages = 0;
  for (;;) {
    const started = performance.now();
    const page = PullPage.parse(await call(url, `${HubPaths.pull}?cursor=${cursor}&limit=2000`, { token }));
    onPage(performance.now() - started);
    pages++;
    for (const raw of page.changes) {
      const change = Change.parse(raw);
      if (change.type === 'lesson.put') lessons.set(change.lesson.id, change.lesson);
      else if (change.type === 'lesson.delete') lessons.delete(change.id);
      else if (change.type === 'student.put') students.set(change.student.id, change.student);
      else if (change.type === 'student.delete') students.delete(change.id);
      else if (change.type === 'quiz.put') quizzes.set(change.quiz.id, change.quiz);
    }
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return { lessons: [...lessons.values()], students: [...students.values()], quizzes: [...quizzes.values()], cursor, pages };
}

export type SchoolDay = { lessons: Lesson[]; students: Student[]; quizzes: Quiz[] };

/**
 * The ops one classroom's outbox holds after a school day of `day.lessons`: attendance for every student, one note per
 * lesson, every student's answer to every question of the lesson's quiz. Deterministic (no randomness): ids are the
 * device id and a sequence number, so the same day twice is the same ops (a replay).
 */
export function schoolDayOps(deviceId: string, day: SchoolDay, nowMs: number, firstSeq = 1): Op[] {
  const node = deviceId.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40);
  const ops: Op[] = [];
  let seq = firstSeq;
  const base = () => {
    const s = seq++;
    return { id: `op-${deviceId}-${s}`.slice(0, 64), seq: s, hlc: encodeHlc({ wallMs: nowMs, counter: s % 0xffff, node }) };
  };
  const statuses: AttendanceStatus[] = ['present', 'present', 'present', 'present', 'present', 'present', 'present', 'late', 'absent', 'leave'];
  for (const [l, lesson] of day.lessons.entries()) {
    for (const [i, student] of day.students.entries()) {
      ops.push({ ...base(), type: 'attendance.set', lessonId: lesson.id, studentId: student.id, status: statuses[(i + l) % statuses.length] ?? 'present' });
    }
    const noteBase = base();
    ops.push({
      ...noteBase,
      type: 'note.put',
      noteId: `note-${noteBase.seq}-${deviceId}`.slice(0, 64),
      lessonId: lesson.id,
      baseHlc: null,
      merges: [],
      anchor: { kind: 'section', section: '例题讲解' },
      text: '二次备课：先复习上节课的概念，再放主讲老师的例题；后进生单独讲一遍。',
      pause: false,
      deleted: false,
    });
    for (const quiz of day.quizzes.filter((q) => q.lessonId === lesson.id)) {
      for (const [q, question] of quiz.questions.entries()) {
        for (const [i, student] of day.students.entries()) {
          const choice = (i + q) % 4 === 0 ? (question.answer + 1) % question.choices.length : question.answer;
          ops.push({ ...base(), type: 'quiz.answer', lessonId: lesson.id, quizId: quiz.id, questionId: question.id, studentId: student.id, choice });
        }
      }
    }
  }
  return ops;
}

/** A push request's body, built once (the load run builds every body before it starts the clock). */
export const pushBody = (ops: readonly Op[]): string => JSON.stringify({ ops });

/** One push request (compact acks off: one ack per op, so a caller can count applied and duplicate answers). */
export async function pushOps(url: string, token: string, ops: Op[] | { body: string }, timeoutMs = 60_000): Promise<OpAck[]> {
  const jsonText = Array.isArray(ops) ? pushBody(ops) : ops.body;
  const body = PushResponse.parse(await call(url, HubPaths.push, { method: 'POST', token, jsonText }, timeoutMs));
  if (!body.acks) throw new HubCallError(200, 'invalid_response', 'push answer without acks');
  return body.acks;
}

/** An admin GET through the API. */
export function adminGet(url: string, adminToken: string, path: string): Promise<unknown> {
  return call(url, path, { token: adminToken });
}
