// A province's worth of data for `npm run load` (scripts/load/): one lead school (成都七中) and the receiving schools of
// the seeds (1 149), their classrooms (1 200 by default: some schools have two) with full rosters, and today's periods,
// each lead-school lesson in front of up to `audience` classrooms at once, as the 成都七中 network does. Two subjects
// have a 随堂测. Written through the same repository functions as the demo, so the change log is what classrooms pull;
// one transaction per classroom and per lesson (not one for everything: PostgreSQL would carry 48 000 savepoints).
// Rosters go in as one multi-row insert per classroom (students and their `student.put` changes, the rows putStudent
// writes): 48 000 students one statement and savepoint at a time take minutes on PostgreSQL.
import { Change, type Student } from '../../../src/shared/protocol.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import type { SqlDb } from '../../core/db/sql-db.ts';
import { putQuiz } from '../quiz/quiz-repo.ts';
import { putLesson } from '../timetable/timetable-repo.ts';
import { valueOrThrow } from '../../core/http/hub-error.ts';
import { rosterNames } from './chinese-names.ts';

export type ProvinceOptions = { classrooms?: number; schools?: number; students?: number; periods?: number; audience?: number };
export type Province = { classroomIds: string[]; lessonIds: string[] };

const subjects = [
  { id: 'crs-prov-math', subject: '数学', teacher: '王晓峰', title: '一元一次方程', quiz: ['方程 2x + 3 = 11 的解是', '(-3) + 5 = ?', '0.4 × 0.5 = ?'] },
  { id: 'crs-prov-chinese', subject: '语文', teacher: '李雪梅', title: '《春》朱自清', quiz: null },
  { id: 'crs-prov-english', subject: '英语', teacher: '陈思雨', title: 'Unit 2 This is my sister', quiz: ['This is ___ pencil.', '— What’s your name? — ___ name is Gina.', 'Is this your ___?'] },
  { id: 'crs-prov-bio', subject: '生物', teacher: '赵明', title: '观察细胞结构', quiz: null },
  { id: 'crs-prov-history', subject: '历史', teacher: '周建国', title: '夏商周的更替', quiz: null },
  { id: 'crs-prov-geo', subject: '地理', teacher: '孙丽', title: '地球的运动', quiz: null },
] as const;
const periods = ['08:00', '09:00', '10:05', '11:00', '14:30', '15:25'] as const;

export async function seedProvince(db: HubDatabase, now: Date, options: ProvinceOptions = {}): Promise<Province> {
  const classroomCount = options.classrooms ?? 1200;
  const schoolCount = Math.min(options.schools ?? 1149, classroomCount);
  const students = options.students ?? 40;
  const periodCount = Math.min(options.periods ?? 6, periods.length);
  const audience = options.audience ?? 200;
  const classroomIds = Array.from({ length: classroomCount }, (_, c) => `cls-prov-${c}`);
  const lessonIds: string[] = [];
  await db.transaction(async (tx) => {
    await tx.run(`INSERT INTO alliances VALUES ('all-prov', '四川云教·全省联盟') ON CONFLICT DO NOTHING`);
    const school = `INSERT INTO schools (id, alliance_id, name, kind) VALUES (?, 'all-prov', ?, ?)`;
    await tx.run(school, ['sch-prov-lead', '成都七中（引领学校·全省）', 'lead']);
    for (let s = 0; s < schoolCount; s++) await tx.run(school, [`sch-prov-${s}`, `接收学校 ${s + 1} 号`, 'receiving']);
    const course = `INSERT INTO courses (id, lead_school_id, subject, teacher_name) VALUES (?, 'sch-prov-lead', ?, ?)`;
    for (const c of subjects) await tx.run(course, [c.id, c.subject, c.teacher]);
  });
  // The first schools get a second class until there are enough classrooms.
  for (const [c, id] of classroomIds.entries()) {
    await db.transaction(async (tx) => {
      await tx.run(`INSERT INTO classrooms (id, school_id, name, grade) VALUES (?, ?, ?, '七年级')`, [id, `sch-prov-${c % schoolCount}`, `七年级(${Math.floor(c / schoolCount) + 1})班`]);
      const roster = rosterNames(students, 1000 + c, c % 3 === 0 ? 0.6 : 0).map((name, i): Student => ({ id: `stu-prov-${c}-${i + 1}`, classroomId: id, name, number: i + 1 }));
      await putRoster(tx, id, roster, now);
    });
  }
  const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  for (let g = 0; g * audience < classroomCount; g++) {
    const group = classroomIds.slice(g * audience, (g + 1) * audience);
    for (let p = 0; p < periodCount; p++) {
      const c = subjects[(g + p) % subjects.length] ?? subjects[0];
      const startsAt = `${today}T${periods[p] ?? '08:00'}:00+08:00`;
      const id = `les-prov-${g}-${p}`;
      valueOrThrow(await putLesson(db, { id, courseId: c.id, title: c.title, startsAt, endsAt: new Date(Date.parse(startsAt) + 45 * 60_000).toISOString(), mode: 'live', classroomIds: group }, now));
      lessonIds.push(id);
      if (c.quiz) {
        const questions = c.quiz.map((prompt, i) => ({ id: `q${i + 1}`, prompt, choices: ['A', 'B', 'C', 'D'], answer: i % 4 }));
        await putQuiz(db, { id: `quiz-prov-${g}-${p}`, lessonId: id, title: `${c.subject}随堂测`, questions }, now);
      }
    }
  }
  return { classroomIds, lessonIds };
}

/** A new classroom's roster in two statements; the classroom's change-log lock first, as appendChange takes it. */
async function putRoster(tx: SqlDb, classroomId: string, roster: Student[], now: Date) {
  if (roster.length === 0) return;
  if (tx.dialect === 'postgres') await tx.get(`SELECT pg_advisory_xact_lock(hashtextextended(?, 7))`, [classroomId]);
  const rows = (width: number) => roster.map(() => `(${Array.from({ length: width }, () => '?').join(', ')})`).join(', ');
  await tx.run(`INSERT INTO students (id, classroom_id, name, number) VALUES ${rows(4)}`, roster.flatMap((s) => [s.id, s.classroomId, s.name, s.number]));
  const changes = roster.map((student) => JSON.stringify(Change.parse({ type: 'student.put', student })));
  await tx.run(`INSERT INTO changes (classroom_id, payload, created_at) VALUES ${rows(3)}`, changes.flatMap((payload) => [classroomId, payload, now.toISOString()]));
}
