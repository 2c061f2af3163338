// Which screen shows. A plain union instead of a router library: the app has a handful of full-screen places, no URLs to
// share, and in Electron the page is a file.
//
// 学生模式 is kept in this same store and checked in `navigate`, the one way to change screens: a button, a key, a
// refusal hidden by no one, all go through it, and the lock and the route change together so no stale route survives it.
import { create } from 'zustand';
import { allowedInStudentMode } from './student-mode-policy.ts';

export type Route =
  | { screen: 'timetable' }
  /** One lesson: attendance, 二次备课 notes, quiz, and the way in (live or recording). */
  | { screen: 'lesson'; lessonId: string }
  /** A live lesson, full screen. */
  | { screen: 'live'; lessonId: string }
  /** 管理员: school IT's page behind the IT PIN. */
  | { screen: 'admin' }
  /** What waits to upload and why (tap the sync badge). */
  | { screen: 'sync' }
  /** A lesson's recording and 预习包 (download progress, player, PDF/image viewer). */
  | { screen: 'content'; lessonId: string; kind?: 'recording' | 'preview'; back?: 'lesson' | 'review'; startAt?: number }
  /** Students' review (复习): cached lessons by subject and date. */
  | { screen: 'review' }
  /** 学生练习: a student signs in on the shared PC and practises, reviews mistakes, takes 考核. */
  | { screen: 'practice' }
  /** The teacher's view of the class's practice (and where students' sign-in codes are set). */
  | { screen: 'practice-progress' };

/**
 * A screen asked for in 学生模式 and not opened (`student_mode`), or the teacher's own 老师解锁 (`teacher_asked`): the
 * app asks for the teacher PIN and goes there once it is given.
 */
export type RouteRefusal = { wanted: Route; reason: 'student_mode' | 'teacher_asked' };

export type RouteState = {
  route: Route;
  /** The PC is handed to students: only `allowedInStudentMode` screens open (app/student-mode.ts persists it). */
  studentMode: boolean;
  refused: RouteRefusal | null;
};

export const useRoute = create<RouteState>(() => ({ route: { screen: 'timetable' }, studentMode: false, refused: null }));

/** Opens `route`, unless 学生模式 forbids it: then nothing changes but `refused`, and false is returned. */
export function navigate(route: Route): boolean {
  if (useRoute.getState().studentMode && !allowedInStudentMode(route)) {
    useRoute.setState({ refused: { wanted: route, reason: 'student_mode' } });
    return false;
  }
  useRoute.setState({ route, refused: null });
  return true;
}

/** Enters 学生模式 on the students' screen in one step. Called by the student-mode controller only. */
export const lockToStudents = () => useRoute.setState({ studentMode: true, route: { screen: 'practice' }, refused: null });

/** Leaves 学生模式 for `then`. Called by the student-mode controller only, after the teacher PIN. */
export const unlockToTeacher = (then: Route) => useRoute.setState({ studentMode: false, route: then, refused: null });

export const dismissRefusal = () => useRoute.setState({ refused: null });

/** 老师解锁 in the top bar: the teacher asks for her app back (the timetable once the PIN is given). */
export function askTeacherUnlock() {
  if (useRoute.getState().studentMode) useRoute.setState({ refused: { wanted: { screen: 'timetable' }, reason: 'teacher_asked' } });
}
