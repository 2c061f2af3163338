// Students practise only lessons that have begun (a lesson's questions are its 随堂测). The demo timetable starts on
// this week's Monday, so early on a Monday in China (Sunday evening UTC) none has: a test that practises first moves
// the demo's first 数学 lesson (les-j7-0-0, with its 随堂测) to an hour ago, through the admin API, before the PC syncs.
export async function beginDemoMathLesson(hubUrl: string, adminToken: string, nowMs = Date.now()): Promise<void> {
  const lesson = {
    courseId: 'crs-math-7',
    title: '有理数的加法',
    startsAt: new Date(nowMs - 3_600_000).toISOString(),
    endsAt: new Date(nowMs - 900_000).toISOString(),
    mode: 'live',
    classroomIds: ['cls-zj-7-1', 'cls-zj-7-2'],
  };
  const res = await fetch(`${hubUrl}/v1/admin/lessons/les-j7-0-0`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(lesson),
  });
  if (!res.ok) throw new Error(`moving the demo lesson: ${res.status} ${await res.text()}`);
}
