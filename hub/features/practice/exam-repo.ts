// 考核: the lead school publishes an exam (paper + key) for a window. Classrooms on the lesson's timetable get the paper
// through the change log — never the key. Once the hub's clock is past closesAt, a classroom's next pull releases the
// key and its own students' scores (scored here only), and again if a submission taken offline arrives later.
import { scoreExam } from '../../../src/shared/practice-policy.ts';
import { Exam } from '../../../src/shared/protocol.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import { accepted, refused, type Outcome } from '../../core/http/hub-error.ts';
import { appendChange, lockClassroomLog } from '../timetable/change-log.ts';
import { lessonAudience } from '../timetable/timetable-repo.ts';

/** Refused (before any write) for an unknown lesson or a paper students have already answered. */
export async function putExam(db: HubDatabase, input: Exam, now: Date): Promise<Outcome<null>> {
  const { paper, key } = Exam.parse(input);
  return db.transaction(async (tx) => {
    if (!(await tx.get(`SELECT 1 FROM lessons WHERE id = ?`, [paper.lessonId]))) return refused('not_found', `lesson ${paper.lessonId}`);
    const before = await tx.get<{ n: number }>(`SELECT count(*) AS n FROM exam_submissions WHERE exam_id = ?`, [paper.id]);
    // Changing a paper students have already answered would score their answers against other questions.
    if ((before?.n ?? 0) > 0) return refused('bad_request', `exam ${paper.id} has submissions and cannot be changed`);
    await tx.run(
      `INSERT INTO exams (id, lesson_id, paper, answer_key, opens_at, closes_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET lesson_id = excluded.lesson_id, paper = excluded.paper, answer_key = excluded.answer_key,
         opens_at = excluded.opens_at, closes_at = excluded.closes_at`,
      // Stored in UTC so that string order is time order (released by comparing with the hub's clock).
      [paper.id, paper.lessonId, JSON.stringify(paper), JSON.stringify(key), new Date(paper.opensAt).toISOString(), new Date(paper.closesAt).toISOString()],
    );
    for (const classroomId of await lessonAudience(tx, paper.lessonId)) await appendChange(tx, classroomId, { type: 'exam.put', exam: paper }, now);
    return accepted(null);
  });
}

/**
 * Appends `exam.result` (key + this classroom's scores) for every exam of the classroom's timetable whose window has
 * closed by the hub's clock and that was not yet released with as many submissions as it now has. Called before a pull.
 */
export async function releaseClosedExams(db: HubDatabase, classroomId: string, now: Date) {
  const due = await db.all<{ id: string; answer_key: string; n: number }>(
    `SELECT e.id, e.answer_key, (SELECT count(*) FROM exam_submissions s WHERE s.exam_id = e.id AND s.classroom_id = ?) AS n
       FROM exams e JOIN lesson_audience a ON a.lesson_id = e.lesson_id AND a.classroom_id = ?
      WHERE e.closes_at <= ?`,
    [classroomId, classroomId, now.toISOString()],
  );
  for (const exam of due) {
    await db.transaction(async (tx) => {
      await lockClassroomLog(tx, classroomId);
      const released = await tx.get<{ submissions: number }>(`SELECT submissions FROM exam_releases WHERE exam_id = ? AND classroom_id = ?`, [exam.id, classroomId]);
      if (released && released.submissions === Number(exam.n)) return;
      const key = JSON.parse(exam.answer_key) as number[];
      const submissions = await tx.all<{ student_id: string; answers: string }>(
        `SELECT student_id, answers FROM exam_submissions WHERE exam_id = ? AND classroom_id = ? ORDER BY student_id`,
        [exam.id, classroomId],
      );
      const scores = submissions.map((s) => ({ studentId: s.student_id, ...scoreExam(key, JSON.parse(s.answers) as (number | null)[]) }));
      await appendChange(tx, classroomId, { type: 'exam.result', result: { examId: exam.id, key, scores } }, now);
      await tx.run(
        `INSERT INTO exam_releases (exam_id, classroom_id, submissions) VALUES (?, ?, ?)
         ON CONFLICT (exam_id, classroom_id) DO UPDATE SET submissions = excluded.submissions`,
        [exam.id, classroomId, submissions.length],
      );
    });
  }
}
