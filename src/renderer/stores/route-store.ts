// Which screen shows. A plain union instead of a router library: the app has a handful of full-screen places, no URLs to
// share, and in Electron the page is a file.
import { create } from 'zustand';

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

export const useRoute = create<{ route: Route }>(() => ({ route: { screen: 'timetable' } }));

export function navigate(route: Route) {
  useRoute.setState({ route });
}
