// The staff report over real HTTP on a real SQLite hub: sign-in (limits per account and address), the scope each role
// gets on EVERY staff route (generated from the route table), CSRF and Origin on writes, and the exports (the .xlsx read
// back with exceljs, the CSV with its BOM) equal to the JSON.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubRoute } from '../../core/http/access-groups.ts';
import type { TestHub } from '../../testing/test-hub.ts';
import { pushLessonRecords, signIn, startReportHub, staffFetch, type StaffSession } from '../../testing/staff-report-fixture.ts';
import type { ClassesPage, ReportSummary } from './report-view.ts';

let hub: TestHub;
let routes: HubRoute[];
let lead: StaffSession;
let head: StaffSession;
let county: StaffSession;

beforeAll(async () => {
  ({ hub, routes } = await startReportHub());
  // 七年级(1)班 and 五年级(1)班 (another school, another lead teacher's course) take attendance and the 随堂测.
  await pushLessonRecords(hub, 'DEMO-ZJ-1', 'les-j7-0-0', 'quiz-j7-0-0', [
    { id: 'stu-zj-7-1-01', status: 'present', choices: [1, 0, 1] },
    { id: 'stu-zj-7-1-02', status: 'late', choices: [0, 0, 0] },
    { id: 'stu-zj-7-1-03', status: 'absent', choices: [] },
  ]);
  await pushLessonRecords(hub, 'DEMO-ZJ-2', 'les-j7-0-0', 'quiz-j7-0-0', [
    { id: 'stu-zj-7-2-01', status: 'present', choices: [1, 1, 1] },
    { id: 'stu-zj-7-2-02', status: 'present', choices: [0, 1, 1] },
  ]);
  await pushLessonRecords(hub, 'DEMO-LT-1', 'les-p5-0-0', 'quiz-p5-0-0', [{ id: 'stu-lt-5-1-01', status: 'present', choices: [1, 0, 1] }]);
  lead = await signIn(hub, 'demo-lead', 'lead-demo-2026');
  head = await signIn(hub, 'demo-head', 'head-demo-2026');
  county = await signIn(hub, 'demo-county', 'county-demo-2026');
}, 60_000);
afterAll(() => hub.close());

const report = async (session: StaffSession, query = '') => {
  const res = await staffFetch(hub, session, `/staff/api/report${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as ReportSummary;
};
/** The per-class rows (the test data fit one page). */
const classes = async (session: StaffSession, query = '') => {
  const res = await staffFetch(hub, session, `/staff/api/report/classes${query}`);
  expect(res.status).toBe(200);
  const page = (await res.json()) as ClassesPage;
  expect(page.pages).toBe(1);
  return page;
};

describe('staff report', () => {
  it('a lead teacher sees only the courses they teach; per question, the one most classes got wrong; 需要辅导', async () => {
    const view = await report(lead, '?courseId=crs-math-7&from=2026-11-23&to=2026-11-23');
    const { rows } = await classes(lead, '?courseId=crs-math-7&from=2026-11-23&to=2026-11-23');
    expect(new Set(rows.map((r) => r.courseId))).toEqual(new Set(['crs-math-7']));
    const lesson = view.lessons.find((l) => l.lessonId === 'les-j7-0-0');
    expect(lesson?.classes).toBe(2);
    // q2 (answer 0): (1) 2/2 right, (2) 0/2 → one class wrong; q1 (answer 1): (1) 1/2, (2) 1/2 → two classes under 60 %.
    expect(lesson?.questions.map((q) => [q.questionId, q.correct, q.answered, q.classesWrong])).toEqual([
      ['q1', 2, 4, 2],
      ['q2', 2, 4, 1],
      ['q3', 3, 4, 1],
    ]);
    expect(lesson?.hardestQuestionId).toBe('q1');
    expect(view.worstQuestions[0]).toMatchObject({ lessonId: 'les-j7-0-0', questionId: 'q1', classesWrong: 2 });
    const class1 = rows.find((r) => r.classroomId === 'cls-zj-7-1' && r.lessonId === 'les-j7-0-0');
    expect(class1?.attendance).toMatchObject({ taken: true, arrived: 41, late: 1, absent: 1 });
    expect(class1?.needHelp).toHaveLength(1);
    expect(lesson?.needHelp).toBe(rows.filter((r) => r.lessonId === 'les-j7-0-0').reduce((n, r) => n + r.needHelp.length, 0));
    expect(view.schools.map((x) => x.schoolId)).toEqual(['sch-zj']);
    expect(view.totals.classes).toBe(rows.length);
    // The other school's lesson is another teacher's course: not there, even when asked for by name.
    expect((await classes(lead, '?courseId=crs-math-5')).rows).toEqual([]);
    expect((await report(lead, '?lessonId=les-p5-0-0')).lessons).toEqual([]);
  });

  it('a county admin sees both schools; a receiving-school head only their own', async () => {
    const all = await classes(county, '?from=2026-11-23&to=2026-11-23');
    expect(new Set(all.rows.map((r) => r.schoolId))).toEqual(new Set(['sch-zj', 'sch-lt']));
    expect((await report(county, '?from=2026-11-23&to=2026-11-23')).schools.map((x) => x.schoolId).sort()).toEqual(['sch-lt', 'sch-zj']);
    // Lessons later than the hub's clock (Wed 10:00 China) with no records are not listed as 未考勤.
    const fortnight = await classes(county, '?from=2026-11-23&to=2026-12-04');
    expect(fortnight.rows.length).toBeGreaterThan(3);
    expect(fortnight.rows.filter((r) => Date.parse(r.startsAt) > Date.parse('2026-11-25T02:00:00Z') && !r.attendance.taken && !r.quiz)).toEqual([]);
    expect((await report(county, '?from=2026-11-23&to=2026-12-04')).totals.classes).toBe(fortnight.total);
    const mine = await classes(head, '?from=2026-11-23&to=2026-11-23');
    expect(new Set(mine.rows.map((r) => r.schoolId))).toEqual(new Set(['sch-zj']));
    expect((await report(head, '?from=2026-11-23&to=2026-11-23')).schools.map((x) => x.schoolId)).toEqual(['sch-zj']);
  });

  it('per-class rows come a page at a time; a bad page or an unknown parameter is a named refusal', async () => {
    for (const query of ['?page=0', '?page=-1', '?page=abc', '?page=1.5', '?page=1&page=2', '?page=1&rows=all', '?page=9999999']) {
      const res = await staffFetch(hub, county, `/staff/api/report/classes${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, query).toBe('bad_request');
    }
    const past = await staffFetch(hub, county, '/staff/api/report/classes?page=999');
    expect(((await past.json()) as ClassesPage).rows).toEqual([]);
    // Trends per class for one school, per student for one class; none for the whole selection (they would be large).
    expect((await classes(county, '?from=2026-11-23&to=2026-11-23')).classWeeks).toEqual([]);
    expect((await classes(county, '?from=2026-11-23&to=2026-11-23&schoolId=sch-zj')).classWeeks.length).toBeGreaterThan(1);
    const one = await classes(county, '?from=2026-11-23&to=2026-11-23&classroomId=cls-zj-7-1');
    expect(new Set(one.studentWeeks.map((w) => w.studentId))).toEqual(new Set(['stu-zj-7-1-01', 'stu-zj-7-1-02']));
  });

  it('a receiving-school head never sees another school, over every staff route and every filter', async () => {
    const staffRoutes = routes.filter((r) => r.access === 'staff' && r.method === 'GET');
    expect(staffRoutes.length).toBeGreaterThanOrEqual(5);
    const queries = ['', '?schoolId=sch-lt', '?classroomId=cls-lt-5-1', '?lessonId=les-p5-0-0', '?courseId=crs-math-5', '?schoolId=sch-lt&classroomId=cls-lt-5-1'];
    for (const route of staffRoutes) {
      for (const query of queries) {
        const res = await staffFetch(hub, head, `${route.url.replace(/:\w+/g, 'les-p5-0-0')}${query}`);
        const text = route.url.endsWith('.xlsx') ? JSON.stringify(await xlsxCells(Buffer.from(await res.arrayBuffer()))) : await res.text();
        expect([200, 400, 404], `${route.url}${query}`).toContain(res.status);
        for (const other of ['理塘', 'cls-lt', 'sch-lt', 'stu-lt']) expect(text, `${route.url}${query}`).not.toContain(other);
      }
      // And without a session: refused.
      expect((await staffFetch(hub, null, route.url.replace(/:\w+/g, 'les-j7-0-0'))).status).toBe(401);
    }
  });

  it('writes need the session CSRF token and this hub as Origin; sign-out ends the session', async () => {
    const session = await signIn(hub, 'demo-county', 'county-demo-2026');
    const post = (headers: Record<string, string>) => staffFetch(hub, session, '/staff/api/logout', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    expect((await post({})).status).toBe(403);
    expect((await post({ 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': session.csrf, origin: 'http://evil.example' })).status).toBe(403);
    expect((await staffFetch(hub, session, '/staff/api/me')).status).toBe(200); // nothing changed
    expect((await post({ 'x-csrf-token': session.csrf })).status).toBe(200);
    expect((await staffFetch(hub, session, '/staff/api/me')).status).toBe(401);
  });

  it('staff answers carry no CORS grant, and the page shell sets a strict CSP', async () => {
    const res = await staffFetch(hub, lead, '/staff/api/me', { headers: { origin: 'http://127.0.0.1:5173' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const page = await fetch(`${hub.base}/staff`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).not.toMatch(/<script>(?!<)/);
  });

  it('the .xlsx and the CSV hold the numbers of the JSON', async () => {
    const query = '?courseId=crs-math-7&from=2026-11-23&to=2026-11-23';
    const view = await classes(lead, query);
    const summary = await report(lead, query);
    const xlsx = await staffFetch(hub, lead, `/staff/api/report.xlsx${query}`);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const sheets = await xlsxCells(Buffer.from(await xlsx.arrayBuffer()));
    const byClass = sheets['按班级'] ?? [];
    expect(byClass).toHaveLength(view.rows.length + 1);
    const first = view.rows[0];
    expect(byClass[1]?.slice(4, 7)).toEqual([first?.classroom, first?.roster, first?.attendance.taken ? first.attendance.arrived : '未考勤']);
    // 按课: the page's per-lesson figures (classes, 出勤, 应到, 作答, 答对), lesson by lesson in the same order.
    expect((sheets['按课'] ?? []).slice(1).map((r) => r.slice(3, 8))).toEqual(summary.lessons.map((l) => [l.classes, l.attended, l.takenRoster, l.answered, l.correct]));
    const csv = Buffer.from(await (await staffFetch(hub, lead, `/staff/api/report.csv${query}`)).arrayBuffer());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8').split('\r\n').filter(Boolean)).toHaveLength(view.rows.length + 1);
  });

  it('a correct password is refused only for its own account and address after five failures', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${hub.base}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo-lead', password: `wrong-${i}` }) });
      expect(res.status).toBe(401);
    }
    const refused = await fetch(`${hub.base}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo-lead', password: 'lead-demo-2026' }) });
    expect(refused.status).toBe(429);
    await signIn(hub, 'demo-head', 'head-demo-2026'); // another account from the same address is not locked out
  });

  it('a user name PostgreSQL cannot hold (NUL) is a named refusal, not an internal error', async () => {
    const res = await fetch(`${hub.base}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo\u0000lead', password: 'x' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  });
});

async function xlsxCells(buffer: Buffer): Promise<Record<string, unknown[][]>> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(buffer as unknown as ArrayBuffer);
  const sheets: Record<string, unknown[][]> = {};
  book.eachSheet((sheet) => {
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    sheets[sheet.name] = rows;
  });
  return sheets;
}
