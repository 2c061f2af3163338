// Which screens a pupil may reach while the shared classroom PC is in 学生模式. Kept apart from the store as a pure
// table so the rule reads at a glance and each screen has its test: a new screen is refused until it is listed here.
import type { Route } from './route-store.ts';

/** Every screen, with whether students may reach it. A Record, so adding a screen to `Route` fails to compile here. */
const STUDENT_MAY_OPEN: { [S in Route['screen']]: boolean | ((route: Extract<Route, { screen: S }>) => boolean) } = {
  // Name tiles, the practice runner, the 考核 runner and a student's own results all live on this screen.
  practice: true,
  // 复习 (BRIEF: students browse cached lessons, play them, open pack documents on this PC): the list, and a lesson's
  // files opened from it (their ← leads back to the list, not to the teacher's lesson).
  review: true,
  content: (route) => route.back === 'review',
  // The teacher's side: sign-in codes and the whole class's results, attendance, 二次备课, IT settings, live, sync.
  'practice-progress': false,
  timetable: false,
  lesson: false,
  live: false,
  admin: false,
  sync: false,
};

export function allowedInStudentMode(route: Route): boolean {
  const rule = STUDENT_MAY_OPEN[route.screen] as boolean | ((r: Route) => boolean);
  return typeof rule === 'function' ? rule(route) : rule;
}
