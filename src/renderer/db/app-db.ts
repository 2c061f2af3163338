// The classroom's local database (IndexedDB via Dexie). Everything the UI shows is read from here, so the app works
// with the hub unreachable; the sync layer is the only writer of hub-owned data (lessons, students).
import Dexie, { type EntityTable, type Table } from 'dexie';
import type { AttendanceStatus, ExamPaper, ExamResult, Lesson, NoteAnchor, NoteFeedback, NoteVersion, Op, Quiz, Student } from '../../shared/protocol.ts';
import type { ChunkPartRow, ContentChunkRow, ContentFileRow, LessonPackRow, PackRow, PlaybackRow } from './content-rows.ts';
import type { ExamSittingRow, ExamSubmissionRow, PracticeAttemptRow, ReviewItemRow, StudentCodeRow } from './practice-rows.ts';

export type MetaRow = { key: string; value: unknown };

/** An op waiting for the hub. `seq` is the IndexedDB key generator's value: per device, increasing, never reused, and
 * sent as the op's sequence number. Rows leave only when the hub acknowledges them. An op the hub does not accept is
 * retried with backoff (`retryAt`) a few times, then becomes `failed`: kept and listed on 同步详情 (重试, 导出), never
 * dropped. Rows are parsed when read (`outbox-rows.ts`): one that does not parse is a failed op, not a crash. */
export type OutboxRow = {
  seq?: number;
  id: string;
  op: DistributiveOmit<Op, 'seq'>;
  status: OutboxStatus;
  createdAt: string;
  /** Times the hub answered without accepting this op (refused or left out); capped, see sync/outbox-retry.ts. */
  attempts: number;
  /** Epoch ms before which the op is not sent again (its backoff after a refusal). */
  retryAt?: number;
  lastError?: OutboxFailure;
};
export type OutboxStatus = 'pending' | 'failed';
/** Why an op has not left: the hub refused it, the hub's answer left it out, or the stored row does not parse. */
export type OutboxFailureCode = 'rejected' | 'unacknowledged' | 'unreadable';
export type OutboxFailure = { code: OutboxFailureCode; detail: string; at: string };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type AttendanceRow = { lessonId: string; studentId: string; status: AttendanceStatus; hlc: string };

/** A note as this device sees it: the version it shows, every version hlc it knows, and unmerged concurrent versions. */
export type NoteRow = {
  noteId: string;
  lessonId: string;
  current: NoteVersion;
  known: string[];
  conflicts: NoteVersion[];
};

export type QuizAnswerRow = {
  id: string;
  lessonId: string;
  quizId: string;
  questionId: string;
  /** null for a class-level tally. */
  studentId: string | null;
  choice: number | null;
  correct: number;
  total: number;
  hlc: string;
};

export type { NoteAnchor };

export type AppDb = Dexie & {
  meta: EntityTable<MetaRow, 'key'>;
  lessons: EntityTable<Lesson, 'id'>;
  students: EntityTable<Student, 'id'>;
  outbox: EntityTable<OutboxRow, 'seq'>;
  attendance: EntityTable<AttendanceRow, 'lessonId'>;
  notes: EntityTable<NoteRow, 'noteId'>;
  quizzes: EntityTable<Quiz, 'id'>;
  quizAnswers: EntityTable<QuizAnswerRow, 'id'>;
  packs: EntityTable<PackRow, 'id'>;
  lessonPacks: Table<LessonPackRow, [string, string]>;
  contentFiles: EntityTable<ContentFileRow, 'sha256'>;
  contentChunks: Table<ContentChunkRow, [string, number]>;
  playback: EntityTable<PlaybackRow, 'key'>;
  chunkParts: Table<ChunkPartRow, [string, number, number]>;
  practiceAttempts: EntityTable<PracticeAttemptRow, 'id'>;
  reviewItems: Table<ReviewItemRow, [string, string]>;
  studentCodes: EntityTable<StudentCodeRow, 'studentId'>;
  exams: EntityTable<ExamPaper, 'id'>;
  examSubmissions: Table<ExamSubmissionRow, [string, string]>;
  examSittings: Table<ExamSittingRow, [string, string]>;
  examResults: EntityTable<ExamResult, 'examId'>;
  /** 联合教研: the lead side's replies to this classroom's notes and 优秀做法 shared with every class (hub-owned). */
  noteFeedback: EntityTable<NoteFeedback, 'id'>;
};

/** Schema versions, oldest first. Never edit a shipped version: add a new one (each has its own test). */
export const schemaVersions: ReadonlyArray<{ version: number; stores: Record<string, string> }> = [
  {
    version: 1,
    stores: {
      meta: 'key',
      lessons: 'id, startsAt, classroomId',
      students: 'id, classroomId, number',
    },
  },
  {
    version: 2,
    stores: {
      outbox: '++seq, &id, status',
      attendance: '[lessonId+studentId], lessonId',
      notes: 'noteId, lessonId',
      quizzes: 'id, lessonId',
      quizAnswers: 'id, [lessonId+quizId]',
    },
  },
  {
    // Offline content (issue 4). Chunks are stored only once verified, keyed by file hash and index, so a download
    // resumes from exactly what is already good; files are shared by every pack and lesson that uses them.
    version: 3,
    stores: {
      packs: 'id, lastUsedAt',
      lessonPacks: '[lessonId+packId], lessonId, packId',
      contentFiles: 'sha256, state',
      contentChunks: '[sha256+index], sha256',
      playback: 'key, updatedAt',
    },
  },
  {
    // Partial chunks (issue 12): the bytes of a chunk received so far, saved while it downloads, so an app killed
    // mid-download re-fetches at most the last moment's bytes, not every chunk in flight. Appended as parts keyed by
    // their offset (no rewriting of a growing blob); deleted in the transaction that stores the verified chunk.
    version: 4,
    stores: {
      chunkParts: '[sha256+index+offset], sha256',
    },
  },
  {
    // Students practise and take 考核 on the shared PC (issue 22): attempts per student, each student's 错题本 schedule,
    // the teacher-set sign-in codes (hashed), exam papers (no key), locked submissions, and released results.
    version: 5,
    stores: {
      practiceAttempts: 'id, studentId, [studentId+lessonId]',
      reviewItems: '[studentId+questionKey], studentId',
      studentCodes: 'studentId',
      exams: 'id, lessonId',
      examSubmissions: '[examId+studentId], examId',
      examResults: 'examId',
    },
  },
  {
    // 联合教研 (issue 23): replies and 优秀做法 marks from the lead school, pulled as note.feedback changes and shown
    // next to the note on the 二次备课 tab; by lesson for the tab, by note for its replies.
    version: 6,
    stores: {
      noteFeedback: 'id, lessonId, noteId',
    },
  },
  {
    // A 考核 being taken (ExamSittingRow): its start and the answers so far survive leaving the paper or a crash, so
    // reopening neither restarts the clock nor loses an answer.
    version: 7,
    stores: {
      examSittings: '[examId+studentId]',
    },
  },
];

export function openAppDb(name = 'ykt-classroom'): AppDb {
  const db = new Dexie(name) as AppDb;
  for (const { version, stores } of schemaVersions) db.version(version).stores(stores);
  return db;
}
