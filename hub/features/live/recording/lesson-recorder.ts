// Every live lesson is recorded: the recorder watches each room; while anything is on air it keeps one segment running
// (recording-segment.ts), starting a new one whenever what is on air changes (the console adds its courseware, the
// broadcaster restarts). When the lesson ends — the console's 下课, the admin route, or nothing on air for endGraceMs —
// the segments become the lesson's recording pack (recording-finalize.ts). Everything for one lesson happens in order
// on its own queue, and one pack is made at a time, so a burst of lessons ending together cannot starve the SFU's CPU.
import { EventEmitter } from 'node:events';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackManifest } from '../../../../src/shared/content-protocol.ts';
import type { RecordingStatus } from '../../../../src/shared/live-protocol.ts';
import type { PackSigner } from '../../../core/signing/pack-signing.ts';
import type { HubDatabase } from '../../../core/db/open-database.ts';
import { endOrphanFfmpeg } from './orphan-ffmpeg.ts';
import { finalizeRecording } from './recording-finalize.ts';
import { DEFAULT_RECORDING_FORMAT, startSegment, type RecordingFormat, type RecordingSegment } from './recording-segment.ts';
import { readSession, segmentDirName, writeSession, type RecordingSession } from './recording-session.ts';
import type { LiveRoom } from '../sfu/live-room.ts';
import { backgroundTimers } from '../../../core/background-timers.ts';
import type { Timers } from '../../../../src/shared/timers.ts';

export type LessonRecorderOptions = {
  db: HubDatabase;
  /** HUB_DATA_DIR/recordings: one folder per lesson. */
  recordingsDir: string;
  contentDir: string;
  /** The hub's pack-signing key (the recording pack is signed like every pack). */
  packSigner: PackSigner;
  now?: () => Date;
  timers?: Timers;
  /** Nothing on air this long = the lesson is over (a console reload or a short uplink drop is not). */
  endGraceMs?: number;
  /** Changes to what is on air arrive in bursts (camera, courseware, microphone): one segment for the lot. */
  settleMs?: number;
  /** Segment files are deleted this long after the lesson's end: the pack holds the recording. */
  pruneAfterMs?: number;
  format?: RecordingFormat;
  ffmpegPath?: string;
  /** How often and how many times a segment without a picture asks its sources again (recording-segment.ts). */
  firstFrameWatch?: { everyMs?: number; maxAsks?: number };
  log?: (line: string) => void;
};


type Lesson = {
  lessonId: string;
  dir: string;
  session: RecordingSession | null;
  room: LiveRoom | null;
  segment: RecordingSegment | null;
  /** Said to the console beside 录制中 while the running segment has had no picture (NO_PICTURE). */
  warning: string | null;
  signature: string;
  settle: unknown;
  grace: unknown;
  finalizing: boolean;
  queue: Promise<unknown>;
};

/** Beside 录制中 on the lead console when a segment has had no picture after asking its sources again and again. */
export const NO_PICTURE = '还没有收到画面，这段录播可能是空的：请重新共享课件或重新开始直播';

export class LessonRecorder extends EventEmitter<{ ready: [string, PackManifest]; failed: [string, string] }> {
  private readonly lessons = new Map<string, Lesson>();
  private packChain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly now: () => Date;
  private readonly timers: Timers;
  private readonly log: (line: string) => void;

  constructor(private readonly options: LessonRecorderOptions) {
    super();
    this.now = options.now ?? (() => new Date());
    this.timers = options.timers ?? backgroundTimers;
    this.log = options.log ?? (() => undefined);
  }

  private lesson(lessonId: string): Lesson {
    let lesson = this.lessons.get(lessonId);
    if (!lesson) {
      lesson = { lessonId, dir: join(this.options.recordingsDir, lessonId), session: null, room: null, segment: null, warning: null, signature: '', settle: null, grace: null, finalizing: false, queue: Promise.resolve() };
      this.lessons.set(lessonId, lesson);
    }
    return lesson;
  }

  /** Runs `task` after everything queued for the lesson; a failure is logged and returned as the rejection. */
  private enqueue<T>(lesson: Lesson, task: () => Promise<T>): Promise<T> {
    const result = lesson.queue.then(task);
    lesson.queue = result.catch((error: unknown) => this.log(`recording ${lesson.lessonId}: ${message(error)}`));
    return result;
  }

  private async session(lesson: Lesson): Promise<RecordingSession> {
    if (!lesson.session) {
      await mkdir(lesson.dir, { recursive: true });
      lesson.session = (await readSession(lesson.dir)) ?? {
        lessonId: lesson.lessonId,
        format: this.options.format ?? DEFAULT_RECORDING_FORMAT,
        segments: [],
        packId: null,
        finalizedAt: null,
        finalizedSegments: 0,
        pruned: false,
        error: null,
      };
    }
    return lesson.session;
  }

  /** Follows a room: what is on air is recorded from now on. */
  watch(room: LiveRoom) {
    const lesson = this.lesson(room.lessonId);
    lesson.room = room;
    room.on('onAir', () => this.changed(lesson));
    room.once('closed', () => this.changed(lesson));
    room.on('ended', () => void this.end(room.lessonId).catch(() => undefined));
    room.onBeforeEnd(() => this.enqueue(lesson, () => this.stopSegment(lesson)));
    if (room.onAir) this.changed(lesson);
  }

  private changed(lesson: Lesson) {
    if (this.closed) return;
    this.timers.clearTimeout(lesson.settle);
    lesson.settle = this.timers.setTimeout(() => void this.enqueue(lesson, () => this.sync(lesson)).catch(() => undefined), this.options.settleMs ?? 1000);
  }

  private async sync(lesson: Lesson) {
    if (this.closed) return;
    const producers = lesson.room?.producers() ?? [];
    const signature = producers.map((p) => p.id).join(',');
    if (lesson.segment && signature === lesson.signature) return;
    await this.stopSegment(lesson);
    lesson.signature = signature;
    if (producers.length === 0 || !lesson.room) {
      this.armGrace(lesson);
      return;
    }
    this.timers.clearTimeout(lesson.grace);
    const session = await this.session(lesson);
    if (session.pruned) Object.assign(session, { segments: [], pruned: false, finalizedSegments: 0 }); // re-aired long after: a new recording
    const dir = segmentDirName(session.segments.length + 1);
    const segment = await startSegment({
      router: lesson.room.router,
      producers,
      dir: join(lesson.dir, dir),
      format: session.format,
      now: this.now,
      log: (line) => this.log(`recording ${lesson.lessonId}: ${line}`),
      timers: this.timers,
      ...(this.options.firstFrameWatch ? { firstFrameWatch: this.options.firstFrameWatch } : {}),
      ...(this.options.ffmpegPath ? { ffmpegPath: this.options.ffmpegPath } : {}),
    });
    lesson.segment = segment;
    lesson.warning = null;
    // Nothing the recorder can do gets a picture any more; the lead teacher can: a source shared again is a new segment.
    void segment.firstFrames.then((how) => {
      if (how !== 'gave_up' || lesson.segment !== segment) return;
      lesson.warning = NO_PICTURE;
      this.tell(lesson, 'recording');
    });
    session.segments.push({ dir, startedAt: segment.startedAt.toISOString(), endedAt: null, sources: segment.sources, error: null, pid: segment.pid });
    await writeSession(lesson.dir, session);
    this.tell(lesson, 'recording');
    this.log(`recording ${lesson.lessonId}: ${dir} started (${Object.entries(segment.sources).filter(([, on]) => on).map(([s]) => s).join(' + ')})`);
    void segment.exited.then(() => {
      if (lesson.segment !== segment) return;
      this.log(`recording ${lesson.lessonId}: ffmpeg stopped by itself; starting a new segment`);
      lesson.signature = '';
      this.changed(lesson);
    });
  }

  private async stopSegment(lesson: Lesson) {
    const segment = lesson.segment;
    if (!segment) return;
    lesson.segment = null;
    lesson.warning = null;
    const { endedAt, error } = await segment.stop();
    const session = await this.session(lesson);
    const entry = session.segments.at(-1);
    if (entry) Object.assign(entry, { endedAt: endedAt.toISOString(), error, pid: null });
    if (error) this.log(`recording ${lesson.lessonId}: ${error}`);
    await writeSession(lesson.dir, session);
  }

  private armGrace(lesson: Lesson) {
    this.timers.clearTimeout(lesson.grace);
    lesson.grace = this.timers.setTimeout(() => void this.end(lesson.lessonId).catch(() => undefined), this.options.endGraceMs ?? 60_000);
  }

  /** The lesson is over: stop recording and make (or remake, if it went on air again) its pack. Null: nothing recorded. */
  end(lessonId: string): Promise<PackManifest | null> {
    const lesson = this.lesson(lessonId);
    this.timers.clearTimeout(lesson.grace);
    this.timers.clearTimeout(lesson.settle);
    return this.enqueue(lesson, async () => {
      const asked = Date.now();
      await this.stopSegment(lesson);
      const stopped = Date.now();
      lesson.signature = '';
      const session = await this.session(lesson);
      if (session.segments.length === 0 || session.segments.length === session.finalizedSegments) return null;
      lesson.finalizing = true;
      this.tell(lesson, 'finalizing');
      try {
        const count = session.segments.length;
        const manifest = await this.onePackAtATime(() =>
          finalizeRecording({
            db: this.options.db,
            lessonDir: lesson.dir,
            session,
            contentDir: this.options.contentDir,
            packSigner: this.options.packSigner,
            now: this.now(),
            log: this.log,
            ...(this.options.ffmpegPath ? { ffmpegPath: this.options.ffmpegPath } : {}),
          }),
        );
        Object.assign(session, { packId: manifest.id, finalizedAt: this.now().toISOString(), finalizedSegments: count, error: null });
        await writeSession(lesson.dir, session);
        this.log(`recording ${lessonId}: pack ready ${((Date.now() - asked) / 1000).toFixed(1)} s after the end (recording stopped in ${((stopped - asked) / 1000).toFixed(1)} s)`);
        this.tell(lesson, 'ready');
        this.emit('ready', lessonId, manifest);
        return manifest;
      } catch (error) {
        session.error = message(error);
        await writeSession(lesson.dir, session);
        this.tell(lesson, 'failed');
        this.emit('failed', lessonId, session.error);
        throw error;
      } finally {
        lesson.finalizing = false;
      }
    });
  }

  /** The lead console shows whether the lesson is being recorded and when its pack is there; classrooms still connected
   *  hear of the pack too, so they list it at once instead of at their next pack-list refresh. */
  private tell(lesson: Lesson, state: 'recording' | 'finalizing' | 'ready' | 'failed') {
    const room = lesson.room;
    if (!room) return;
    const error = state === 'failed' ? (lesson.session?.error?.slice(0, 2000) ?? null) : state === 'recording' ? lesson.warning : null;
    (state === 'ready' ? room.toAll.bind(room) : room.toConsoles.bind(room))({ type: 'recording', state, packId: lesson.session?.packId ?? null, error });
  }

  private onePackAtATime<T>(task: () => Promise<T>): Promise<T> {
    const result = this.packChain.then(task);
    this.packChain = result.catch(() => undefined);
    return result;
  }

  status(lessonId: string): RecordingStatus {
    const lesson = this.lessons.get(lessonId);
    const session = lesson?.session;
    if (!lesson || !session) return { state: 'none', packId: null, segments: 0, error: null };
    const base = { packId: session.packId, segments: session.segments.length, error: session.error };
    if (lesson.segment) return { state: 'recording', ...base, error: base.error ?? lesson.warning };
    if (lesson.finalizing) return { state: 'finalizing', ...base };
    if (session.segments.length > session.finalizedSegments) return { state: session.error ? 'failed' : 'waiting', ...base };
    return { state: session.packId ? 'ready' : 'none', ...base };
  }

  /**
   * At hub start: a recording the hub stopped in the middle of is finished endGraceMs later unless its lesson goes on
   * air again (then it carries on); segment files of lessons long over are deleted.
   */
  async recover(): Promise<void> {
    const names = await readdir(this.options.recordingsDir).catch(() => [] as string[]);
    for (const name of names) {
      const lesson = this.lesson(name);
      await this.enqueue(lesson, async () => {
        const session = await this.session(lesson);
        await this.endOrphan(lesson, session);
        if (session.segments.length > session.finalizedSegments) {
          this.log(`recording ${name}: ${session.segments.length - session.finalizedSegments} segment(s) not yet in a pack`);
          if (!lesson.segment) this.armGrace(lesson);
          return;
        }
        const row = await this.options.db.get<{ ends_at: string }>(`SELECT ends_at FROM lessons WHERE id = ?`, [name]);
        const endedLongAgo = !row || Date.parse(row.ends_at) + (this.options.pruneAfterMs ?? 6 * 3_600_000) < this.now().getTime();
        if (session.packId && !session.pruned && endedLongAgo) {
          for (const s of session.segments) await rm(join(lesson.dir, s.dir), { recursive: true, force: true });
          session.pruned = true;
          await writeSession(lesson.dir, session);
        }
      }).catch(() => undefined);
    }
  }

  /** The ffmpeg a hub killed mid-segment left (orphan-ffmpeg.ts) is ended; what it wrote stays for the pack. */
  private async endOrphan(lesson: Lesson, session: RecordingSession) {
    const entry = session.segments.at(-1);
    if (!entry?.pid || entry.endedAt !== null) return;
    const how = await endOrphanFfmpeg(entry.pid, join(lesson.dir, entry.dir));
    if (how !== 'none' && how !== 'not-ours') this.log(`recording ${lesson.lessonId}: ended the ffmpeg (pid ${entry.pid}, by ${how}) a stopped hub left on ${entry.dir}; what it wrote is kept`);
    entry.pid = null;
    await writeSession(lesson.dir, session);
  }

  /** Hub shutdown: segments are closed properly (their files stay readable); packs are made at the next start. */
  async close(): Promise<void> {
    this.closed = true;
    const stops = [...this.lessons.values()].map((lesson) => {
      this.timers.clearTimeout(lesson.grace);
      this.timers.clearTimeout(lesson.settle);
      return this.enqueue(lesson, () => this.stopSegment(lesson)).catch(() => undefined);
    });
    await Promise.all(stops);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
