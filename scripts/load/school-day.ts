// The classrooms' side of `npm run load`: enroll through the admin API's codes, pull the timetable in the morning, push
// each period's records when the period ends (as the app's outbox does, retrying a failed request with jittered backoff
// until the hub acknowledges), pull again in the evening. Concurrency-bounded; every request timed.
import { HubCallError, enrollClassroom, issueCode, pullTimetable, pushBody, pushOps, schoolDayOps, type Timetable } from '../../tests/support/classroom-sim.ts';
import type { Op, OpAck } from '../../src/shared/protocol.ts';
import { backoffMs } from '../../src/shared/backoff.ts';
import type { AckLedger, createRecoveryClock } from './load-stats.ts';

/** `bodies[p]` is `periods[p]` as the push request's JSON, built before the clock starts (the generator shares the cores). */
export type Classroom = { classroomId: string; deviceId: string; token: string; timetable?: Timetable; periods: Op[][]; bodies: string[] };

export type DayContext = {
  url: string;
  adminToken: string;
  concurrency: number;
  pullMs: number[];
  pushMs: number[];
  /** Requests that failed and were sent again (timeouts under load, a dead node). */
  retries: number;
  ledger: AckLedger;
  recovery: ReturnType<typeof createRecoveryClock>;
  /** The push request (lean-push.ts); classroom-sim's fetch-based pushOps when absent. */
  push?: (token: string, body: string) => Promise<OpAck[]>;
  /** Called after each completed push (the run kills a node part-way through). */
  onPush?: () => void;
  deadline: number;
};

/** Runs `work` over `items`, at most `concurrency` at a time. */
export async function inPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** A request retried until it succeeds (a node may be dead): 100 ms doubling to 2 s, jittered, until the run's deadline. */
export async function retrying<T>(ctx: DayContext, client: string, what: string, request: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const value = await request();
      ctx.recovery.succeeded(client);
      return value;
    } catch (error) {
      const retryable = error instanceof HubCallError && (error.status === 0 || error.status >= 500 || error.code === 'rate_limited');
      ctx.recovery.failed(client);
      ctx.retries++;
      if (!retryable || Date.now() > ctx.deadline) throw new Error(`${what} for ${client} failed: ${error instanceof Error ? error.message : String(error)}`);
      const wait = backoffMs(attempt + 1, Math.random, { minMs: 100, maxMs: 2_000 });
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

export async function enrollAll(ctx: DayContext, classroomIds: string[]): Promise<Classroom[]> {
  const classrooms: Classroom[] = [];
  await inPool(classroomIds, ctx.concurrency, async (classroomId) => {
    // An enrollment is not repeated blindly (its code is single-use): a failure ends the run with the hub's reason.
    const code = await retrying(ctx, classroomId, 'issue code', () => issueCode(ctx.url, ctx.adminToken, classroomId));
    const enrolled = await enrollClassroom(ctx.url, code, `${classroomId} 教室电脑`);
    classrooms.push({ classroomId, deviceId: enrolled.device.id, token: enrolled.device.token, periods: [], bodies: [] });
  });
  return classrooms;
}

export async function morningPull(ctx: DayContext, classrooms: Classroom[], nowMs: number): Promise<void> {
  await inPool(classrooms, ctx.concurrency, async (c) => {
    const timetable = await retrying(ctx, c.classroomId, 'pull', () => pullTimetable(ctx.url, c.token, (ms) => ctx.pullMs.push(ms)));
    c.timetable = timetable;
    const lessons = timetable.lessons.toSorted((a, b) => a.startsAt.localeCompare(b.startsAt));
    let seq = 1;
    c.periods = lessons.map((lesson) => {
      const ops = schoolDayOps(c.deviceId, { lessons: [lesson], students: timetable.students, quizzes: timetable.quizzes }, nowMs, seq);
      seq += ops.length;
      return ops;
    });
    c.bodies = c.periods.map(pushBody);
  });
}

/** Every classroom pushes period `p`'s records (one request, retried until acknowledged). */
export async function pushPeriod(ctx: DayContext, classrooms: Classroom[], p: number): Promise<void> {
  await inPool(classrooms, ctx.concurrency, async (c) => {
    const ops = c.periods[p];
    const body = c.bodies[p];
    if (!ops || ops.length === 0 || body === undefined) return;
    const acks = await retrying(ctx, c.classroomId, 'push', async () => {
      const started = performance.now();
      const answer = ctx.push ? await ctx.push(c.token, body) : await pushOps(ctx.url, c.token, { body });
      ctx.pushMs.push(performance.now() - started);
      return answer;
    });
    for (const ack of acks) ctx.ledger.record(ack.id, ack.status, ack.status === 'rejected' ? ack.reason : undefined);
    ctx.onPush?.();
  });
}

/** The evening pull: only what changed since the morning (the classrooms' own notes, shared back). */
export async function eveningPull(ctx: DayContext, classrooms: Classroom[]): Promise<void> {
  await inPool(classrooms, ctx.concurrency, async (c) => {
    await retrying(ctx, c.classroomId, 'pull', () => pullTimetable(ctx.url, c.token, (ms) => ctx.pullMs.push(ms), c.timetable?.cursor ?? 0));
  });
}
