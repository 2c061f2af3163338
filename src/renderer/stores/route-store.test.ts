import { beforeEach, describe, expect, it } from 'vitest';
import { askTeacherUnlock, dismissRefusal, lockToStudents, navigate, unlockToTeacher, useRoute, type Route } from './route-store.ts';
import { allowedInStudentMode } from './student-mode-policy.ts';

// One of every screen, so a screen added to Route and forgotten here shows up as a missing row.
const EVERY_SCREEN: [Route, boolean][] = [
  [{ screen: 'practice' }, true],
  [{ screen: 'practice-progress' }, false],
  [{ screen: 'timetable' }, false],
  [{ screen: 'lesson', lessonId: 'les-1' }, false],
  [{ screen: 'live', lessonId: 'les-1' }, false],
  [{ screen: 'admin' }, false],
  [{ screen: 'sync' }, false],
  [{ screen: 'review' }, true],
  [{ screen: 'content', lessonId: 'les-1', back: 'review' }, true],
  [{ screen: 'content', lessonId: 'les-1', back: 'lesson' }, false],
  [{ screen: 'content', lessonId: 'les-1' }, false],
];

beforeEach(() => useRoute.setState({ route: { screen: 'timetable' }, studentMode: false, refused: null }));

describe('学生模式 route guard', () => {
  it('lists every screen of the app', () => {
    const screens = new Set(EVERY_SCREEN.map(([r]) => r.screen));
    expect([...screens].sort()).toEqual(['admin', 'content', 'lesson', 'live', 'practice', 'practice-progress', 'review', 'sync', 'timetable']);
  });

  it.each(EVERY_SCREEN)('in 学生模式, %o opens: %s', (route, allowed) => {
    expect(allowedInStudentMode(route)).toBe(allowed);
    lockToStudents();
    expect(navigate(route)).toBe(allowed);
    const state = useRoute.getState();
    if (allowed) {
      expect(state.route).toEqual(route);
      expect(state.refused).toBeNull();
    } else {
      expect(state.route).toEqual({ screen: 'practice' }); // nothing moved
      expect(state.refused).toEqual({ wanted: route, reason: 'student_mode' });
    }
  });

  it.each(EVERY_SCREEN)('outside 学生模式, %o opens', (route) => {
    expect(navigate(route)).toBe(true);
    expect(useRoute.getState().route).toEqual(route);
  });

  it('locks and unlocks together with the route, so no teacher screen stays shown', () => {
    navigate({ screen: 'admin' });
    lockToStudents();
    expect(useRoute.getState()).toMatchObject({ studentMode: true, route: { screen: 'practice' } });
    navigate({ screen: 'admin' });
    dismissRefusal();
    expect(useRoute.getState().refused).toBeNull();
    unlockToTeacher({ screen: 'practice-progress' });
    expect(useRoute.getState()).toEqual({ studentMode: false, route: { screen: 'practice-progress' }, refused: null });
    expect(navigate({ screen: 'admin' })).toBe(true);
  });

  it('老师解锁 asks for the PIN in 学生模式 (the timetable once given), and does nothing outside it', () => {
    askTeacherUnlock();
    expect(useRoute.getState().refused).toBeNull();
    lockToStudents();
    askTeacherUnlock();
    expect(useRoute.getState()).toMatchObject({ route: { screen: 'practice' }, studentMode: true, refused: { wanted: { screen: 'timetable' }, reason: 'teacher_asked' } });
  });
});
