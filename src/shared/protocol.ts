// The hub wire protocol: one versioned module shared by client and hub. Both sides parse every message with these
// schemas; nothing from the wire is trusted. Bump PROTOCOL_VERSION only for incompatible changes; additive fields are
// optional so older peers keep working.
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;
/** Header every client request carries, so the hub can refuse an incompatible client with a named reason. */
export const PROTOCOL_HEADER = 'x-ykt-protocol';
/** Header on every hub response: the hub's clock (ms since the epoch), so a PC with a wrong clock learns its offset. */
export const HUB_TIME_HEADER = 'x-ykt-hub-time';
/** Header on every hub response: ops per push this hub takes, so a PC's first drain after a restart sends full batches. */
export const PUSH_MAX_OPS_HEADER = 'x-ykt-push-max-ops';

export const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'id: letters, digits, - and _ only');
export const IsoDateTime = z.iso.datetime({ offset: true });

// ---- errors ---------------------------------------------------------------------------------------------------------

/** Named reasons the client turns into plain zh-CN messages (see renderer i18n `errors.*`). */
export const ErrorCode = z.enum([
  'bad_request',
  'enrollment_code_invalid',
  'enrollment_code_expired',
  'enrollment_code_used',
  'unauthorized',
  'device_revoked',
  'forbidden',
  'not_found',
  'client_too_old',
  'hub_too_old',
  'payload_too_large',
  /** Too many failed attempts (enrollment codes, device tokens, console logins) from one address or on one code. */
  'rate_limited',
  'internal',
  /** A school edge refuses a classroom of another school (it serves only its own). */
  'wrong_school',
  /** A school edge cannot reach its county hub for something it does not hold. */
  'upstream_unavailable',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorResponse = z.object({
  error: z.object({ code: ErrorCode, message: z.string().max(2000) }),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

// ---- organisation ---------------------------------------------------------------------------------------------------

export const SchoolKind = z.enum(['lead', 'receiving']);
export const School = z.object({ id: Id, name: z.string().min(1).max(200), kind: SchoolKind, allianceId: Id });
export type School = z.infer<typeof School>;

export const Classroom = z.object({ id: Id, schoolId: Id, name: z.string().min(1).max(200), grade: z.string().max(50) });
export type Classroom = z.infer<typeof Classroom>;

export const Student = z.object({
  id: Id,
  classroomId: Id,
  name: z.string().min(1).max(100),
  /** 学号 within the class, for the roster order teachers expect. */
  number: z.number().int().min(0).max(10_000),
});
export type Student = z.infer<typeof Student>;

export const LessonMode = z.enum(['live', 'recorded']);
export type LessonMode = z.infer<typeof LessonMode>;

export const Lesson = z.object({
  id: Id,
  classroomId: Id,
  courseId: Id,
  subject: z.string().min(1).max(50),
  title: z.string().min(1).max(200),
  leadSchoolName: z.string().min(1).max(200),
  teacherName: z.string().min(1).max(100),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  mode: LessonMode,
});
export type Lesson = z.infer<typeof Lesson>;

// ---- enrollment -----------------------------------------------------------------------------------------------------

export const EnrollRequest = z.object({
  code: z
    .string()
    .trim()
    .min(4)
    .max(32)
    .transform((c) => c.toUpperCase()),
  deviceName: z.string().trim().min(1).max(100),
});
export type EnrollRequest = z.input<typeof EnrollRequest>;

/** The hub's pack-signing public key: Ed25519, the raw 32 bytes in base64url (43 characters). */
export const PackSigningKey = z.string().regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'Ed25519 public key: 32 bytes, base64url');
export type PackSigningKey = z.infer<typeof PackSigningKey>;

export const EnrollResponse = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  device: z.object({ id: Id, token: z.string().min(32).max(200) }),
  school: School,
  classroom: Classroom,
  hubName: z.string().min(1).max(200),
  /** Packs (from the hub or on a USB stick) are accepted only with a signature by this key. Optional: older hubs. */
  packSigningKey: PackSigningKey.optional(),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

// ---- pull (hub → device changes since a cursor) ---------------------------------------------------------------------

// ---- records: 二次备课 notes and quizzes -------------------------------------------------------------------------------

/** Where a 二次备课 note is anchored in the lead plan: a section of the plan, a page of the pack, or a time in the video. */
/**
 * Free text a device sends and the hub stores. No NUL: PostgreSQL's text type cannot hold it (an op carrying one
 * would fail as an internal error on a PostgreSQL hub but be stored on SQLite), and no teacher types one.
 */
export const Text = (max: number, min = 0) => z.string().min(min).max(max).refine((s) => !s.includes('\u0000'), 'text: NUL character not allowed');

export const NoteAnchor = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('section'), section: Text(100, 1) }),
  z.object({ kind: z.literal('page'), page: z.number().int().min(1).max(10_000) }),
  z.object({ kind: z.literal('time'), seconds: z.number().min(0).max(24 * 3600) }),
]);
export type NoteAnchor = z.infer<typeof NoteAnchor>;

/** One saved version of a note. `baseHlc` names the version it was edited from: two versions with the same base are a
 * conflict, and both are kept until the teacher merges them. */
export const NoteVersion = z.object({
  noteId: Id,
  lessonId: Id,
  hlc: z.string().min(1).max(64),
  baseHlc: z.string().max(64).nullable(),
  /** Concurrent versions this one merges (the teacher resolved a conflict): they are superseded too. */
  merges: z.array(z.string().max(64)).max(20),
  anchor: NoteAnchor,
  text: z.string().max(5000),
  /** Stop the recorded lesson's playback at the anchor time (time anchors only). */
  pause: z.boolean(),
  deleted: z.boolean(),
  deviceId: Id,
});
export type NoteVersion = z.infer<typeof NoteVersion>;

export const QuizQuestion = z.object({
  id: Id,
  prompt: z.string().min(1).max(1000),
  choices: z.array(z.string().min(1).max(200)).min(2).max(8),
  /** Index into choices. */
  answer: z.number().int().min(0).max(7),
  /** 解析: shown to a student after answering in 练习. Optional: older hubs and quizzes have none. */
  explanation: Text(1000).optional(),
});
export const Quiz = z.object({ id: Id, lessonId: Id, title: z.string().min(1).max(200), questions: z.array(QuizQuestion).min(1).max(50) });
export type Quiz = z.infer<typeof Quiz>;
export type QuizQuestion = z.infer<typeof QuizQuestion>;

// ---- 考核 (timed tests): the paper reaches the PC without its key; results come back after the window closes ----------

export const ExamQuestion = z.object({ id: Id, prompt: Text(1000, 1), choices: z.array(Text(200, 1)).min(2).max(8) });
export const ExamPaper = z
  .object({
    id: Id,
    lessonId: Id,
    title: Text(200, 1),
    opensAt: IsoDateTime,
    closesAt: IsoDateTime,
    /** Time a student has once started, within the window. */
    durationSec: z.number().int().min(60).max(6 * 3600),
    questions: z.array(ExamQuestion).min(1).max(100),
  })
  .refine((e) => Date.parse(e.closesAt) > Date.parse(e.opensAt), { message: 'closesAt must be after opensAt', path: ['closesAt'] });
export type ExamPaper = z.infer<typeof ExamPaper>;
/** What the lead school publishes: the paper and its key (index into each question's choices), kept on the hub. */
export const Exam = z
  .object({ paper: ExamPaper, key: z.array(z.number().int().min(0).max(7)).min(1).max(100) })
  .refine((e) => e.key.length === e.paper.questions.length && e.key.every((k, i) => k < (e.paper.questions[i]?.choices.length ?? 0)), {
    message: 'key: one choice per question, within its choices',
    path: ['key'],
  });
export type Exam = z.infer<typeof Exam>;
export const ExamResult = z.object({
  examId: Id,
  key: z.array(z.number().int().min(0).max(7)).max(100),
  scores: z.array(z.object({ studentId: Id, correct: z.number().int().min(0).max(100), total: z.number().int().min(1).max(100) })).max(1000),
});
export type ExamResult = z.infer<typeof ExamResult>;

/**
 * 联合教研: a lead teacher's reply to a classroom's 二次备课 note (sent to that classroom), or a 优秀做法 mark (sent to
 * every classroom of the lesson, so the note itself travels along: the others do not hold it). The latest of each kind
 * per (note, author) is what a lead teacher said last; every reply is kept.
 */
export const NoteFeedback = z.object({
  id: Id,
  noteId: Id,
  lessonId: Id,
  kind: z.enum(['reply', 'good']),
  text: Text(2000),
  author: Text(100, 1),
  createdAt: IsoDateTime,
  note: z.object({ classroom: Text(200), school: Text(200), anchor: NoteAnchor, text: z.string().max(5000), pause: z.boolean() }),
});
export type NoteFeedback = z.infer<typeof NoteFeedback>;

export const Change = z.discriminatedUnion('type', [
  z.object({ type: z.literal('lesson.put'), lesson: Lesson }),
  z.object({ type: z.literal('quiz.put'), quiz: Quiz }),
  z.object({ type: z.literal('note.version'), note: NoteVersion }),
  z.object({ type: z.literal('lesson.delete'), id: Id }),
  z.object({ type: z.literal('student.put'), student: Student }),
  z.object({ type: z.literal('student.delete'), id: Id }),
  /** 考核 paper: questions without the key (the key stays on the hub until the window closes). Older PCs skip it. */
  z.object({ type: z.literal('exam.put'), exam: ExamPaper }),
  /** Released only once the hub's clock is past the exam's closesAt: the key and this classroom's scores. */
  z.object({ type: z.literal('exam.result'), result: ExamResult }),

  /** Clients before it skip it (PullPage: each change parsed on its own) and pull on. */
  z.object({ type: z.literal('note.feedback'), feedback: NoteFeedback }),
  /**
   * The lead side took a reply or 优秀做法 mark back: the classroom removes feedback `feedbackId` (a no-op if it never
   * held it). Sent to the classrooms the feedback went to. Clients before it skip it like any unknown type (PullPage)
   * and keep showing the feedback.
   */
  z.object({ type: z.literal('note.feedback.withdraw'), feedbackId: Id }),
]);
export type Change = z.infer<typeof Change>;

export const PullResponse = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  /** Opaque to the client: pass it back to get only what changed since. */
  cursor: z.number().int().min(0),
  changes: z.array(Change).max(5000),
  hasMore: z.boolean(),
  serverTime: IsoDateTime,
});
export type PullResponse = z.infer<typeof PullResponse>;

/**
 * How a client reads a pull response: the envelope strictly, each change on its own (`Change.safeParse`), so that one
 * change it cannot read (damaged, or of a type a newer hub added) is skipped and reported instead of failing the page
 * — which would stop the classroom's pulls for good, the same page failing every time.
 */
export const PullPage = PullResponse.extend({ changes: z.array(z.unknown()).max(5000) });
export type PullPage = z.infer<typeof PullPage>;

// ---- push (device → hub ops), filled in by the records/sync issue ---------------------------------------------------

export const AttendanceStatus = z.enum(['present', 'absent', 'late', 'leave']);
export type AttendanceStatus = z.infer<typeof AttendanceStatus>;

const OpBase = {
  /** Client-generated, globally unique: the hub acknowledges a replayed id without applying it twice. */
  id: Id,
  /** Per-device sequence number, for ordering and gap detection. */
  seq: z.number().int().min(0),
  /** Hybrid logical clock timestamp (see hlc.ts). */
  hlc: Text(64, 1),
};

export const Op = z.discriminatedUnion('type', [
  /** Last writer (by HLC) wins per (lesson, student). */
  z.object({ ...OpBase, type: z.literal('attendance.set'), lessonId: Id, studentId: Id, status: AttendanceStatus }),
  /** A new version of a note; the hub keeps every version, conflicts included. */
  z.object({
    ...OpBase,
    type: z.literal('note.put'),
    noteId: Id,
    lessonId: Id,
    baseHlc: Text(64).nullable(),
    merges: z.array(Text(64)).max(20),
    anchor: NoteAnchor,
    text: Text(5000),
    pause: z.boolean(),
    deleted: z.boolean(),
  }),
  /** One student's answer to one question. Append-only: a changed answer is a new op, the latest counts. */
  z.object({
    ...OpBase,
    type: z.literal('quiz.answer'),
    lessonId: Id,
    quizId: Id,
    questionId: Id,
    studentId: Id,
    choice: z.number().int().min(0).max(7),
  }),
  /** Class-level result when answers are not taken per student (e.g. a show of hands). Append-only, latest counts. */
  z.object({
    ...OpBase,
    type: z.literal('quiz.tally'),
    lessonId: Id,
    quizId: Id,
    questionId: Id,
    correct: z.number().int().min(0).max(1000),
    total: z.number().int().min(1).max(1000),
  }),
  /**
   * One student's 练习 answer to a question of a lesson's quiz (the practice bank), on the shared classroom PC. Kept
   * compact (thousands go up after a week offline): right/wrong follows from the quiz on the hub, which scores it
   * itself; `s` is whole seconds from showing the question to the answer.
   */
  z.object({ ...OpBase, type: z.literal('practice.attempt'), lessonId: Id, quizId: Id, questionId: Id, studentId: Id, choice: z.number().int().min(0).max(7), s: z.number().int().min(0).max(3600) }),
  /** A student's 考核 answers, locked on submit (null: left blank). Scored only on the hub, after the window closes. */
  z.object({ ...OpBase, type: z.literal('exam.submit'), lessonId: Id, examId: Id, studentId: Id, answers: z.array(z.number().int().min(0).max(7).nullable()).min(1).max(100), s: z.number().int().min(0).max(6 * 3600) }),
]);
export type Op = z.infer<typeof Op>;

/** Ops are validated one by one on the hub, so one malformed op is rejected with a reason without blocking the rest. */
/** Ops per push every hub takes (a client sends no more until a hub says it takes more: PushResponse.maxOps). */
export const PUSH_MAX_OPS = 2000;
/**
 * Ops per push this hub takes, and the most a client will send to any hub. Fewer, larger requests drain a long outbox
 * closer to the link's rate on a 300 ms link (each request pays a round trip and TCP's start-up).
 */
export const PUSH_HUB_MAX_OPS = 5000;
/** `acks: 'compact'`: acknowledged ops come back as seq ranges (push-acks.ts); without it, one ack per op. */
export const PushRequest = z.object({ ops: z.array(z.unknown()).min(1).max(PUSH_HUB_MAX_OPS), acks: z.enum(['each', 'compact']).optional() });
export type PushRequest = { ops: Op[]; acks?: 'each' | 'compact' };

export const OpAck = z.discriminatedUnion('status', [
  z.object({ id: z.string().max(64), status: z.literal('applied') }),
  z.object({ id: z.string().max(64), status: z.literal('duplicate') }),
  z.object({ id: z.string().max(64), status: z.literal('rejected'), reason: z.string().max(500) }),
]);
export type OpAck = z.infer<typeof OpAck>;

export const SeqRange = z.tuple([z.number().int().min(0), z.number().int().min(0)]).refine(([from, to]) => from <= to, 'seq range: from after to');
export const PushResponse = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  acks: z.array(OpAck).max(PUSH_HUB_MAX_OPS),
  /** With `acks: 'compact'`: the acknowledged (applied or duplicate) ops' seqs as inclusive ranges; `acks` holds the rest. */
  acknowledged: z.array(SeqRange).max(PUSH_HUB_MAX_OPS).optional(),
  /** Ops per push this hub takes (older hubs: PUSH_MAX_OPS). */
  maxOps: z.number().int().min(1).optional(),
});
export type PushResponse = z.infer<typeof PushResponse>;

// ---- paths ----------------------------------------------------------------------------------------------------------

export const HubPaths = {
  health: '/v1/health',
  enroll: '/v1/enroll',
  pull: '/v1/sync/pull',
  push: '/v1/sync/push',
} as const;

export const HealthResponse = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  hubName: z.string(),
  serverTime: IsoDateTime,
  /** A school edge says whether it serves live lessons (it has an SFU); classrooms join at the county hub if not. */
  live: z.boolean().optional(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
