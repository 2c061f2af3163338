// The lead school's view across its receiving classrooms: per lesson and classroom, attendance totals and quiz accuracy
// (latest answer per student and question; class tallies added in), plus who needs help (分层辅导).
import { attendanceLineZh, summariseAttendance, type AttendanceSummary } from '../../../src/shared/attendance-summary.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import { liveQuizRows, type LiveQuizRow } from '../quiz/live-quiz-report.ts';

export type ReportRow = {
  lessonId: string;
  startsAt: string;
  subject: string;
  title: string;
  classroomId: string;
  classroom: string;
  school: string;
  roster: number;
  /** 出勤 = present + late (see src/shared/attendance-summary.ts); `taken: false` is 未考勤. */
  attendance: AttendanceSummary & { recorded: number };
  quiz: { answered: number; correct: number; needHelp: string[] } | null;
  /** 答题器: the questions the lead teacher pushed during the live lesson, with this classroom's answers. */
  liveQuiz: LiveQuizRow[];
};

export async function buildReport(db: HubDatabase, limit = 200): Promise<ReportRow[]> {
  const lessons = await db.all<{ id: string; starts_at: string; title: string; subject: string; classroom_id: string; classroom: string; school: string }>(
    `SELECT DISTINCT l.id, l.starts_at, l.title, c.subject, a.classroom_id, cl.name AS classroom, s.name AS school
       FROM lesson_audience a
       JOIN lessons l ON l.id = a.lesson_id JOIN courses c ON c.id = l.course_id
       JOIN classrooms cl ON cl.id = a.classroom_id JOIN schools s ON s.id = cl.school_id
      WHERE EXISTS (SELECT 1 FROM attendance t JOIN students st ON st.id = t.student_id WHERE t.lesson_id = l.id AND st.classroom_id = a.classroom_id)
         OR EXISTS (SELECT 1 FROM quiz_answers q WHERE q.lesson_id = l.id AND q.classroom_id = a.classroom_id)
      ORDER BY l.starts_at DESC, cl.name LIMIT ?`,
    [limit],
  );

  const rows: ReportRow[] = [];
  for (const l of lessons) {
    const roster = (await db.get<{ n: number }>(`SELECT count(*) AS n FROM students WHERE classroom_id = ?`, [l.classroom_id]))?.n ?? 0;
    const counts = await db.all<{ status: string; n: number }>(
      `SELECT t.status, count(*) AS n FROM attendance t JOIN students st ON st.id = t.student_id
        WHERE t.lesson_id = ? AND st.classroom_id = ? GROUP BY t.status`,
      [l.id, l.classroom_id],
    );
    const count = (status: string) => counts.find((c) => c.status === status)?.n ?? 0;
    const recorded = counts.reduce((n, c) => n + c.n, 0);
    const latest = await db.all<{ student_id: string; name: string; correct: number }>(
      `SELECT q.student_id, st.name, q.correct FROM quiz_answers q JOIN students st ON st.id = q.student_id
        WHERE q.lesson_id = ? AND q.classroom_id = ? AND q.student_id IS NOT NULL
          AND q.hlc = (SELECT max(hlc) FROM quiz_answers r WHERE r.lesson_id = q.lesson_id AND r.quiz_id = q.quiz_id
                         AND r.question_id = q.question_id AND r.student_id = q.student_id)`,
      [l.id, l.classroom_id],
    );
    const tallies = await db.all<{ correct: number; total: number }>(
      `SELECT q.correct, q.total FROM quiz_answers q WHERE q.lesson_id = ? AND q.classroom_id = ? AND q.student_id IS NULL
          AND q.hlc = (SELECT max(hlc) FROM quiz_answers r WHERE r.lesson_id = q.lesson_id AND r.quiz_id = q.quiz_id
                         AND r.question_id = q.question_id AND r.student_id IS NULL AND r.classroom_id = q.classroom_id)`,
      [l.id, l.classroom_id],
    );
    const byStudent = new Map<string, { name: string; right: number; all: number }>();
    for (const a of latest) {
      const s = byStudent.get(a.student_id) ?? { name: a.name, right: 0, all: 0 };
      s.right += a.correct;
      s.all += 1;
      byStudent.set(a.student_id, s);
    }
    const answered = latest.length + tallies.reduce((n, t) => n + t.total, 0);
    const correct = latest.reduce((n, a) => n + a.correct, 0) + tallies.reduce((n, t) => n + t.correct, 0);
    rows.push({
      lessonId: l.id,
      startsAt: l.starts_at,
      subject: l.subject,
      title: l.title,
      classroomId: l.classroom_id,
      classroom: l.classroom,
      school: l.school,
      roster,
      attendance: { ...summariseAttendance(roster, { present: count('present'), absent: count('absent'), late: count('late'), leave: count('leave') }), recorded },
      quiz:
        answered === 0
          ? null
          : { answered, correct, needHelp: [...byStudent.values()].filter((s) => s.right / s.all < 0.6).map((s) => s.name) },
      liveQuiz: await liveQuizRows(db, l.id, l.classroom_id),
    });
  }
  return rows;
}

/** "2026-11-30 19:10": the lesson's start in China time (UTC+8, no daylight saving), 24-hour, whatever offset it was stored with. */
export function chinaTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `sections`: further HTML sections after the table (students' 练习 and 考核: practice-report.ts). */
export function renderReportHtml(rows: ReportRow[], hubName: string, sections = ''): string {
  const body = rows
    .map((r) => {
      const quiz = r.quiz ? `${Math.round((100 * r.quiz.correct) / r.quiz.answered)}%（${r.quiz.correct}/${r.quiz.answered}）` : '—';
      return `<tr data-lesson="${escape(r.lessonId)}" data-classroom="${escape(r.classroomId)}">
<td>${escape(chinaTime(r.startsAt))}</td><td>${escape(r.subject)} · ${escape(r.title)}</td>
<td>${escape(r.school)} ${escape(r.classroom)}</td>
<td class="attendance${r.attendance.taken ? '' : ' not-taken'}">${attendanceLineZh(r.attendance)}</td>
<td class="quiz">${quiz}</td><td class="live-quiz">${r.liveQuiz.map((q, i) => `${i + 1}. ${escape(q.prompt)}：${q.correct}/${q.answered}`).join('<br>') || '—'}</td>
<td class="help">${r.quiz ? escape(r.quiz.needHelp.join('、')) || '—' : '—'}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>接收课堂报告 · ${escape(hubName)}</title>
<style>body{font-family:"Noto Sans CJK SC",sans-serif;margin:24px;color:#1b1f24}table{border-collapse:collapse;width:100%}
td.not-taken{color:#b26a00;font-weight:600}td,th{border-bottom:1px solid #dde2e8;padding:10px;text-align:left;vertical-align:top}th{background:#f3f5f8}</style></head>
<body><h1>接收课堂报告</h1><p>${escape(hubName)} · 考勤与随堂测（各接收班级）。出勤＝到课人数（含迟到）；未考勤＝这节课还没有考勤记录。</p>
<table><thead><tr><th>时间（北京时间）</th><th>课程</th><th>班级</th><th>考勤</th><th>随堂测正确率</th><th>课堂答题器（答对/作答）</th><th>需要辅导</th></tr></thead>
<tbody>${body || '<tr><td colspan="7">暂无数据</td></tr>'}</tbody></table>${sections}</body></html>`;
}
