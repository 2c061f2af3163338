// Hub schema, one forward-only migration per entry, for both stores: the SQL both engines read alike, and a `postgres`
// text only where PostgreSQL needs other words (an identity column for AUTOINCREMENT). On SQLite they are tracked with
// user_version; on PostgreSQL in schema_migrations (pg-migrate.ts). Applied in order inside a transaction each, so a hub
// killed mid-upgrade restarts from the last complete migration. Never edit a shipped migration: add a new one (each has
// its own test in migrations.test.ts; pg-migrate.test.ts checks both stores end with the same tables and columns).
import type { Database } from 'better-sqlite3';
import { migration11Practice } from './migration-11-practice.ts';
import { migration13ReportAggregates } from './migration-13-report-aggregates.ts';
import { migration14AppliedOpsLean } from './migration-14-applied-ops-lean.ts';
import { migration15RecordsWithoutHotKeys } from './migration-15-records-without-hot-keys.ts';
import { migration16OneOrigin } from './migration-16-one-origin.ts';
import { migration17FeedbackWithdrawal } from './migration-17-feedback-withdrawal.ts';

export type Migration = { version: number; name: string; sql: string; postgres?: string };

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'organisation: alliances, schools, classrooms, students',
    sql: `
        CREATE TABLE alliances (id TEXT PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE schools (
          id TEXT PRIMARY KEY,
          alliance_id TEXT NOT NULL REFERENCES alliances(id),
          name TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('lead', 'receiving'))
        );
        CREATE TABLE classrooms (
          id TEXT PRIMARY KEY,
          school_id TEXT NOT NULL REFERENCES schools(id),
          name TEXT NOT NULL,
          grade TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE students (
          id TEXT PRIMARY KEY,
          classroom_id TEXT NOT NULL REFERENCES classrooms(id),
          name TEXT NOT NULL,
          number INTEGER NOT NULL,
          UNIQUE (classroom_id, number)
        );`,
  },
  {
    version: 2,
    name: 'devices and enrollment codes',
    sql: `
        CREATE TABLE devices (
          id TEXT PRIMARY KEY,
          classroom_id TEXT NOT NULL REFERENCES classrooms(id),
          name TEXT NOT NULL,
          token_hash TEXT NOT NULL UNIQUE,
          enrolled_at TEXT NOT NULL,
          last_seen_at TEXT,
          revoked_at TEXT
        );
        CREATE TABLE enrollment_codes (
          code TEXT PRIMARY KEY,
          classroom_id TEXT NOT NULL REFERENCES classrooms(id),
          expires_at TEXT NOT NULL,
          max_uses INTEGER,            -- NULL: reusable (demo and classroom-wide codes)
          uses INTEGER NOT NULL DEFAULT 0,
          created_at TEXT NOT NULL
        );`,
  },
  {
    version: 3,
    name: 'courses, lessons and their receiving classrooms',
    sql: `
        CREATE TABLE courses (
          id TEXT PRIMARY KEY,
          lead_school_id TEXT NOT NULL REFERENCES schools(id),
          subject TEXT NOT NULL,
          teacher_name TEXT NOT NULL
        );
        CREATE TABLE lessons (
          id TEXT PRIMARY KEY,
          course_id TEXT NOT NULL REFERENCES courses(id),
          title TEXT NOT NULL,
          starts_at TEXT NOT NULL,   -- ISO 8601 with offset, as the lead school scheduled it
          ends_at TEXT NOT NULL,
          mode TEXT NOT NULL CHECK (mode IN ('live', 'recorded'))
        );
        -- One live lesson is watched by several receiving classrooms at once.
        CREATE TABLE lesson_audience (
          lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
          classroom_id TEXT NOT NULL REFERENCES classrooms(id),
          PRIMARY KEY (lesson_id, classroom_id)
        );
        CREATE INDEX lesson_audience_classroom ON lesson_audience (classroom_id);`,
  },
  {
    version: 4,
    name: 'change log that devices pull by cursor',
    sql: `
        CREATE TABLE changes (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so a cursor stays valid forever
          classroom_id TEXT NOT NULL REFERENCES classrooms(id),
          payload TEXT NOT NULL,                  -- one protocol Change, JSON
          created_at TEXT NOT NULL
        );
        CREATE INDEX changes_classroom_seq ON changes (classroom_id, seq);`,
    // An identity is never reused either. Commit order within a classroom follows seq because appendChange takes that
    // classroom's advisory lock before drawing a number (change-log.ts).
    postgres: `
        CREATE TABLE changes (
          seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          classroom_id TEXT NOT NULL REFERENCES classrooms(id),
          payload TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
        CREATE INDEX changes_classroom_seq ON changes (classroom_id, seq);`,
  },
  {
    version: 5,
    name: 'classroom records: applied ops, attendance, note versions, quizzes and answers',
    sql: `
        -- Every applied op, by its client-generated id: a replayed op is found here and acknowledged, not applied again.
        CREATE TABLE applied_ops (
          op_id TEXT PRIMARY KEY,
          device_id TEXT NOT NULL REFERENCES devices(id),
          seq INTEGER NOT NULL,
          type TEXT NOT NULL,
          applied_at TEXT NOT NULL
        );
        CREATE INDEX applied_ops_device ON applied_ops (device_id, seq);
        CREATE TABLE attendance (
          lesson_id TEXT NOT NULL REFERENCES lessons(id),
          student_id TEXT NOT NULL REFERENCES students(id),
          status TEXT NOT NULL CHECK (status IN ('present', 'absent', 'late', 'leave')),
          hlc TEXT NOT NULL,              -- last writer wins, by hybrid logical clock
          device_id TEXT NOT NULL,
          PRIMARY KEY (lesson_id, student_id)
        );
        CREATE TABLE note_versions (
          note_id TEXT NOT NULL,
          hlc TEXT NOT NULL,
          base_hlc TEXT,
          merges TEXT NOT NULL DEFAULT '[]', -- JSON array of the concurrent version hlcs this one resolves
          lesson_id TEXT NOT NULL REFERENCES lessons(id),
          classroom_id TEXT NOT NULL REFERENCES classrooms(id),
          anchor TEXT NOT NULL,           -- JSON NoteAnchor
          text TEXT NOT NULL,
          pause INTEGER NOT NULL,
          deleted INTEGER NOT NULL,
          device_id TEXT NOT NULL,
          PRIMARY KEY (note_id, hlc)
        );
        CREATE TABLE quizzes (
          id TEXT PRIMARY KEY,
          lesson_id TEXT NOT NULL REFERENCES lessons(id),
          body TEXT NOT NULL              -- JSON protocol Quiz
        );
        -- Append-only: the latest answer (by HLC) per student and question counts.
        CREATE TABLE quiz_answers (
          op_id TEXT PRIMARY KEY,
          lesson_id TEXT NOT NULL,
          quiz_id TEXT NOT NULL REFERENCES quizzes(id),
          question_id TEXT NOT NULL,
          student_id TEXT,                -- NULL for a class-level tally
          choice INTEGER,
          correct INTEGER NOT NULL,       -- 0/1 per student; count of correct for a tally
          total INTEGER NOT NULL,         -- 1 per student; class size for a tally
          hlc TEXT NOT NULL,
          classroom_id TEXT NOT NULL,
          device_id TEXT NOT NULL
        );
        CREATE INDEX quiz_answers_lesson ON quiz_answers (lesson_id, quiz_id, question_id);`,
  },
  {
    version: 6,
    name: 'content: stored blobs, packs (manifest per pack), packs attached to lessons',
    sql: `
        CREATE TABLE content_blobs (
          sha256 TEXT PRIMARY KEY,   -- the file's name in the content-addressed store
          size INTEGER NOT NULL,
          stored_at TEXT NOT NULL
        );
        CREATE TABLE packs (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('recording', 'preview')),
          title TEXT NOT NULL,
          manifest TEXT NOT NULL,    -- the protocol PackManifest, JSON, as served
          created_at TEXT NOT NULL
        );
        CREATE TABLE pack_files (
          pack_id TEXT NOT NULL REFERENCES packs(id) ON DELETE CASCADE,
          sha256 TEXT NOT NULL REFERENCES content_blobs(sha256),
          PRIMARY KEY (pack_id, sha256)
        );
        CREATE INDEX pack_files_sha ON pack_files (sha256);
        CREATE TABLE lesson_packs (
          lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
          pack_id TEXT NOT NULL REFERENCES packs(id) ON DELETE CASCADE,
          PRIMARY KEY (lesson_id, pack_id)
        );
        CREATE INDEX lesson_packs_pack ON lesson_packs (pack_id);`,
  },
  {
    version: 7,
    name: 'content: the hub\'s signature of each pack manifest',
    // NULL for packs stored before signing: the hub signs them at its next start (its key lives in a file, not here).
    sql: `ALTER TABLE packs ADD COLUMN signature TEXT;`,
  },
  {
    version: 8,
    name: 'school edges and the codes that enroll them',
    sql: `
        -- A school edge: the hub started with --edge in one school, caching content for that school's classrooms only.
        CREATE TABLE edges (
          id TEXT PRIMARY KEY,
          school_id TEXT NOT NULL REFERENCES schools(id),
          name TEXT NOT NULL,
          token_hash TEXT NOT NULL UNIQUE,   -- SHA-256 of the edge's bearer token, as for devices
          enrolled_at TEXT NOT NULL,
          last_seen_at TEXT,
          revoked_at TEXT
        );
        CREATE INDEX edges_school ON edges (school_id);
        CREATE TABLE edge_codes (
          code TEXT PRIMARY KEY,
          school_id TEXT NOT NULL REFERENCES schools(id),
          expires_at TEXT NOT NULL,
          used_at TEXT,                      -- one use: an edge code enrolls one edge
          created_at TEXT NOT NULL
        );`,
  },
  {
    version: 9,
    name: 'failed-attempt counters shared by several hub nodes',
    // Used on PostgreSQL (store-attempt-limiter.ts); a single SQLite hub keeps its counters in memory, but the schema
    // stays the same on both stores.
    sql: `
        CREATE TABLE attempt_failures (
          scope TEXT NOT NULL,               -- which limit: enrollPerAddress, deviceAuthPerAddress, ...
          key TEXT NOT NULL,                 -- an address, a code, a lesson
          window_start INTEGER NOT NULL,     -- ms since the epoch of the window's first failure
          failures INTEGER NOT NULL,
          PRIMARY KEY (scope, key)
        );`,
    postgres: `
        CREATE TABLE attempt_failures (
          scope TEXT NOT NULL,
          key TEXT NOT NULL,
          window_start BIGINT NOT NULL,
          failures INTEGER NOT NULL,
          PRIMARY KEY (scope, key)
        );`,
  },
  {
    version: 10,
    name: 'live registry shared by several hub nodes: nodes with a heartbeat, and which node hosts each lesson router',
    // Used on PostgreSQL (live/store-live-registry.ts); a single SQLite hub keeps its registry in memory, but the schema
    // stays the same on both stores. Times are ms since the epoch, written by the node's own clock (NTP).
    sql: `
        CREATE TABLE hub_nodes (
          node_id TEXT PRIMARY KEY,
          url TEXT NOT NULL,                 -- where the other nodes reach it (HUB_NODE_URL): the cross-node pipe calls
          heartbeat_at INTEGER NOT NULL      -- a node whose heartbeat is older than the timeout is dead: its rows ignored
        );
        CREATE TABLE live_routers (
          router_id TEXT PRIMARY KEY,
          lesson_id TEXT NOT NULL,
          node_id TEXT NOT NULL,
          worker_index INTEGER NOT NULL,
          worker_pid INTEGER NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('origin', 'fanout')),
          viewers INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX live_routers_lesson ON live_routers (lesson_id);
        CREATE INDEX live_routers_node ON live_routers (node_id);`,
    postgres: `
        CREATE TABLE hub_nodes (
          node_id TEXT PRIMARY KEY,
          url TEXT NOT NULL,
          heartbeat_at BIGINT NOT NULL
        );
        CREATE TABLE live_routers (
          router_id TEXT PRIMARY KEY,
          lesson_id TEXT NOT NULL,
          node_id TEXT NOT NULL,
          worker_index INTEGER NOT NULL,
          worker_pid INTEGER NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('origin', 'fanout')),
          viewers INTEGER NOT NULL,
          updated_at BIGINT NOT NULL
        );
        CREATE INDEX live_routers_lesson ON live_routers (lesson_id);
        CREATE INDEX live_routers_node ON live_routers (node_id);`,
  },
  migration11Practice,
  {
    version: 12,
    name: 'staff accounts and sessions (report sign-in), 联合教研 feedback on 二次备课 notes, report indexes',
    // Passwords are scrypt hashes with their own salt (hub/features/staff/passwords.ts); a session row keeps only the SHA-256 of
    // the cookie's id, so a copy of the database signs nobody in. Feedback rows go to classrooms through the change log.
    sql: `
        CREATE TABLE staff_accounts (
          id TEXT PRIMARY KEY,
          username TEXT NOT NULL UNIQUE,
          display_name TEXT NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('county', 'lead', 'head')),
          school_id TEXT REFERENCES schools(id),   -- a receiving-school head's school; NULL otherwise
          password_hash TEXT NOT NULL,
          created_at TEXT NOT NULL,
          CHECK ((role = 'head') = (school_id IS NOT NULL))
        );
        -- A lead teacher sees the courses listed here, and only those.
        CREATE TABLE staff_courses (
          account_id TEXT NOT NULL REFERENCES staff_accounts(id) ON DELETE CASCADE,
          course_id TEXT NOT NULL REFERENCES courses(id),
          PRIMARY KEY (account_id, course_id)
        );
        CREATE TABLE staff_sessions (
          id_hash TEXT PRIMARY KEY,
          account_id TEXT NOT NULL REFERENCES staff_accounts(id) ON DELETE CASCADE,
          csrf_token TEXT NOT NULL,
          created_at TEXT NOT NULL,
          expires_at TEXT NOT NULL
        );
        CREATE INDEX staff_sessions_account ON staff_sessions (account_id);
        -- 联合教研: a lead teacher's reply to a receiving teacher's note, or a 优秀做法 mark (shared with every class).
        CREATE TABLE note_feedback (
          id TEXT PRIMARY KEY,
          note_id TEXT NOT NULL,
          lesson_id TEXT NOT NULL REFERENCES lessons(id),
          classroom_id TEXT NOT NULL REFERENCES classrooms(id),
          account_id TEXT NOT NULL REFERENCES staff_accounts(id),
          kind TEXT NOT NULL CHECK (kind IN ('reply', 'good')),
          text TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
        CREATE INDEX note_feedback_lesson ON note_feedback (lesson_id, created_at);
        CREATE INDEX note_versions_lesson ON note_versions (lesson_id, classroom_id);
        CREATE INDEX quiz_answers_classroom ON quiz_answers (classroom_id, lesson_id);
        CREATE INDEX attendance_student ON attendance (student_id, lesson_id);
        CREATE INDEX lessons_course_start ON lessons (course_id, starts_at);
        CREATE INDEX lessons_start ON lessons (starts_at);`,
  },
  migration13ReportAggregates,
  migration14AppliedOpsLean,
  migration15RecordsWithoutHotKeys,
  migration16OneOrigin,
  migration17FeedbackWithdrawal,
];

export const latestSchemaVersion = migrations.at(-1)?.version ?? 0;

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration above the database's version (or up to `target`), each in its own transaction. */
export function migrate(db: Database, target = latestSchemaVersion): number[] {
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= schemaVersion(db) || migration.version > target) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}
