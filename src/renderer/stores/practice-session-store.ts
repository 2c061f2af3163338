// Which student is practising on the shared classroom PC. Plain state; local only (no hub account). Signed out by a
// tap on 退出 or after inactivity (features/practice/student-session.ts decides when).
import { create } from 'zustand';

export type PracticeSession = { studentId: string | null; lastActiveAt: number; signedOutIdle: boolean };

export const usePracticeSession = create<PracticeSession>(() => ({ studentId: null, lastActiveAt: 0, signedOutIdle: false }));

export const signInStudent = (studentId: string, nowMs: number) => usePracticeSession.setState({ studentId, lastActiveAt: nowMs, signedOutIdle: false });
export const signOutStudent = (idle = false) => usePracticeSession.setState({ studentId: null, signedOutIdle: idle });
export const touchStudent = (nowMs: number) => {
  if (usePracticeSession.getState().studentId !== null) usePracticeSession.setState({ lastActiveAt: nowMs });
};
