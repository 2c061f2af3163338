// Demo data for `npm start` and the tests: one alliance, one lead school, two receiving schools, classrooms with ~40
// students, and two weeks of timetable (from this week's Monday, China time) mixing live and recorded lessons.
// Enrollment codes DEMO-ZJ-1, DEMO-ZJ-2 and DEMO-LT-1 are reusable so a demo can be enrolled again and again.
import type { HubDatabase } from '../../core/db/open-database.ts';
import { createEnrollmentCode } from '../org/org-repo.ts';
import { putQuiz } from '../quiz/quiz-repo.ts';
import { putLesson, putStudent } from '../timetable/timetable-repo.ts';
import { valueOrThrow } from '../../core/http/hub-error.ts';
import { rosterNames } from './chinese-names.ts';

export const demoEnrollmentCodes = { 'DEMO-ZJ-1': 'cls-zj-7-1', 'DEMO-ZJ-2': 'cls-zj-7-2', 'DEMO-LT-1': 'cls-lt-5-1' } as const;

const periods = [
  ['08:00', '08:45'],
  ['09:00', '09:45'],
  ['10:05', '10:50'],
  ['11:00', '11:45'],
  ['14:30', '15:15'],
  ['15:25', '16:10'],
] as const;

type CourseSeed = { id: string; subject: string; teacher: string; titles: string[] };
const juniorCourses: CourseSeed[] = [
  { id: 'crs-math-7', subject: '数学', teacher: '王晓峰', titles: ['有理数的加法', '有理数的减法', '整式的加减', '一元一次方程', '解方程：去括号', '实际问题与方程'] },
  { id: 'crs-chinese-7', subject: '语文', teacher: '李雪梅', titles: ['《春》朱自清', '《济南的冬天》', '《秋天的怀念》', '《散步》', '古代诗歌四首', '写作：热爱生活'] },
  { id: 'crs-english-7', subject: '英语', teacher: '陈思雨', titles: ['Unit 1 My name is Gina', 'Unit 2 This is my sister', 'Unit 3 Is this your pencil?', 'Unit 4 Where is my schoolbag?'] },
  { id: 'crs-bio-7', subject: '生物', teacher: '赵明', titles: ['观察细胞结构', '植物细胞', '动物细胞', '细胞的生活'] },
  { id: 'crs-history-7', subject: '历史', teacher: '周建国', titles: ['中国境内早期人类', '原始农耕生活', '夏商周的更替', '青铜器与甲骨文'] },
];
/** 随堂测 for some subjects: one bank per subject, so the quiz is titled by subject, not by a lesson it may not match. */
const quizBank: Record<string, { prompt: string; choices: string[]; answer: number; explanation?: string }[]> = {
  数学: [
    { prompt: '(-3) + 5 = ?', choices: ['-8', '2', '-2', '8'], answer: 1, explanation: '异号两数相加，取绝对值较大的数的符号，再用较大的绝对值减去较小的：5 − 3 = 2。' },
    { prompt: '0.4 × 0.5 = ?', choices: ['0.2', '2', '0.02', '0.9'], answer: 0, explanation: '先算 4 × 5 = 20，两个因数共有两位小数，积也要有两位小数：0.20 = 0.2。' },
    { prompt: '方程 2x + 3 = 11 的解是', choices: ['x = 3', 'x = 4', 'x = 7', 'x = 5'], answer: 1, explanation: '两边同时减 3 得 2x = 8，再同时除以 2 得 x = 4。' },
  ],
  语文: [
    { prompt: '《春》的作者是', choices: ['老舍', '朱自清', '鲁迅', '冰心'], answer: 1 },
    { prompt: '“盼望着，盼望着”运用的修辞是', choices: ['比喻', '反复', '夸张', '对偶'], answer: 1 },
  ],
  英语: [
    { prompt: '— What’s your name? — ___ name is Gina.', choices: ['I', 'My', 'Me', 'Mine'], answer: 1 },
    { prompt: 'This is ___ pencil.', choices: ['a', 'an', 'the', '/'], answer: 0 },
  ],
};

const primaryCourses: CourseSeed[] = [
  { id: 'crs-math-5', subject: '数学', teacher: '刘芳', titles: ['小数乘整数', '小数乘小数', '积的近似数', '位置', '可能性'] },
  { id: 'crs-chinese-5', subject: '语文', teacher: '杨慧', titles: ['《白鹭》', '《落花生》', '《桂花雨》', '《珍珠鸟》', '口语交际：制定班级公约'] },
  { id: 'crs-science-5', subject: '科学', teacher: '黄伟', titles: ['种子发芽实验', '观察绿豆芽', '光的传播', '阳光下的影子'] },
];

/** Monday 00:00 of the week containing `now`, in China time (UTC+8, no daylight saving). */
export function chinaMonday(now: Date): { y: number; m: number; d: number } {
  const china = new Date(now.getTime() + 8 * 3_600_000);
  const back = (china.getUTCDay() + 6) % 7;
  const monday = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth(), china.getUTCDate() - back));
  return { y: monday.getUTCFullYear(), m: monday.getUTCMonth() + 1, d: monday.getUTCDate() };
}

function chinaIso(base: { y: number; m: number; d: number }, dayOffset: number, hhmm: string) {
  const day = new Date(Date.UTC(base.y, base.m - 1, base.d + dayOffset));
  const date = day.toISOString().slice(0, 10);
  return `${date}T${hhmm}:00+08:00`;
}

export async function isHubEmpty(db: HubDatabase): Promise<boolean> {
  return (await db.get<{ n: number }>(`SELECT count(*) AS n FROM alliances`))?.n === 0;
}

export async function seedDemo(db: HubDatabase, now: Date): Promise<boolean> {
  if (!(await isHubEmpty(db))) return false;
  await db.transaction(async (tx) => {
    // Several hub nodes may start at once on one PostgreSQL database: the first seeds, the others find it done.
    if (tx.dialect === 'postgres') await tx.exec(`LOCK TABLE alliances IN EXCLUSIVE MODE`);
    if (!(await isHubEmpty(tx))) return;
    await tx.run(`INSERT INTO alliances VALUES ('all-sc', '四川云教·成都七中网校联盟')`);
    const school = `INSERT INTO schools (id, alliance_id, name, kind) VALUES (?, 'all-sc', ?, ?)`;
    await tx.run(school, ['sch-cd7', '成都七中（引领学校）', 'lead']);
    await tx.run(school, ['sch-zj', '凉山州昭觉县民族中学', 'receiving']);
    await tx.run(school, ['sch-lt', '甘孜州理塘县第一完全小学', 'receiving']);
    const classroom = `INSERT INTO classrooms (id, school_id, name, grade) VALUES (?, ?, ?, ?)`;
    await tx.run(classroom, ['cls-zj-7-1', 'sch-zj', '七年级(1)班', '七年级']);
    await tx.run(classroom, ['cls-zj-7-2', 'sch-zj', '七年级(2)班', '七年级']);
    await tx.run(classroom, ['cls-lt-5-1', 'sch-lt', '五年级(1)班', '五年级']);

    const rosters: [string, number, number, number][] = [
      ['cls-zj-7-1', 42, 71, 0.5],
      ['cls-zj-7-2', 40, 72, 0.5],
      ['cls-lt-5-1', 38, 51, 0],
    ];
    for (const [classroomId, size, seed, yiShare] of rosters) {
      for (const [i, name] of rosterNames(size, seed, yiShare).entries()) {
        await putStudent(tx, { id: `stu-${classroomId.slice(4)}-${String(i + 1).padStart(2, '0')}`, classroomId, name, number: i + 1 }, now);
      }
    }

    const course = `INSERT INTO courses (id, lead_school_id, subject, teacher_name) VALUES (?, 'sch-cd7', ?, ?)`;
    for (const c of [...juniorCourses, ...primaryCourses]) await tx.run(course, [c.id, c.subject, c.teacher]);

    const monday = chinaMonday(now);
    const schedule = async (courses: CourseSeed[], classroomIds: string[], tag: string, liveEvery: number) => {
      let n = 0;
      for (let day = 0; day < 12; day++) {
        if (day % 7 >= 5) continue; // weekends off
        for (const [p, [start, end]] of periods.entries()) {
          if ((day + p) % 3 === 2) continue; // not every period is a remote lesson
          const c = courses[(day + p) % courses.length] as CourseSeed;
          const title = c.titles[(day * 2 + p) % c.titles.length] ?? c.subject;
          valueOrThrow(await putLesson(
            tx,
            {
              id: `les-${tag}-${day}-${p}`,
              courseId: c.id,
              title,
              startsAt: chinaIso(monday, day, start),
              endsAt: chinaIso(monday, day, end),
              mode: n++ % liveEvery === 0 ? 'live' : 'recorded',
              classroomIds,
            },
            now,
          ));
          const bank = quizBank[c.subject];
          if (bank) {
            const lessonId = `les-${tag}-${day}-${p}`;
            await putQuiz(tx, { id: `quiz-${tag}-${day}-${p}`, lessonId, title: `${c.subject}随堂测`, questions: bank.map((q, i) => ({ id: `q${i + 1}`, ...q })) }, now);
          }
        }
      }
    };
    // Junior high shares live lessons between both 昭觉 classes; the primary school mostly uses recordings.
    await schedule(juniorCourses, ['cls-zj-7-1', 'cls-zj-7-2'], 'j7', 2);
    await schedule(primaryCourses, ['cls-lt-5-1'], 'p5', 4);

    const farFuture = new Date(now.getTime() + 10 * 365 * 86_400_000);
    for (const [code, classroomId] of Object.entries(demoEnrollmentCodes)) {
      await createEnrollmentCode(tx, { code, classroomId, expiresAt: farFuture, maxUses: null, now });
    }
  });
  return true;
}
