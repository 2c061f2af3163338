import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate, useRoute } from '../../stores/route-store.ts';
import { signOutStudent, touchStudent, usePracticeSession } from '../../stores/practice-session-store.ts';
import { LockIcon } from '../shell/lock-icon.tsx';
import { HandOverCard } from './hand-over-card.tsx';
import { idleExpired } from './student-session.ts';
import { StudentHome } from './student-home.tsx';
import { StudentTiles } from './student-tiles.tsx';
import './practice.css';

/** How often a signed-in session is checked for inactivity. */
const IDLE_CHECK_MS = 5_000;

/**
 * 学生练习 on the shared classroom PC: a student taps their name (and code, if the teacher set one), practises, and
 * signs out with one tap; a session left open ends by itself after inactivity (and the PC stays in 学生模式). Works
 * with no network at all. Shown only in 学生模式: before it, the teacher hands the PC over (HandOverCard). ← and 老师
 * stay on screen in 学生模式 (老师 with a padlock): the route store refuses 老师 and the teacher PIN is asked for; ← leads
 * to 复习, which is the students' too.
 */
export function PracticeScreen() {
  const { t } = useTranslation();
  const { studentId, signedOutIdle } = usePracticeSession();
  const studentMode = useRoute((s) => s.studentMode);
  const [, setTick] = useState(0);
  useEffect(() => {
    const onActivity = () => touchStudent(Date.now());
    window.addEventListener('pointerdown', onActivity, true);
    window.addEventListener('keydown', onActivity, true);
    const id = setInterval(() => {
      const { studentId: signedIn, lastActiveAt } = usePracticeSession.getState();
      if (signedIn !== null && idleExpired(lastActiveAt, Date.now())) signOutStudent(true);
      setTick((n) => n + 1);
    }, IDLE_CHECK_MS);
    return () => {
      window.removeEventListener('pointerdown', onActivity, true);
      window.removeEventListener('keydown', onActivity, true);
      clearInterval(id);
    };
  }, []);
  return (
    <main className="practice-screen">
      <div className="lesson-header">
        <button
          type="button"
          className="secondary"
          onClick={() => {
            if (navigate({ screen: 'review' })) signOutStudent();
          }}
        >
          ← {t('content.back')}
        </button>
        <h1>{t('practice.title')}</h1>
        {studentId === null && (
          <button type="button" className="secondary teacher-link" onClick={() => navigate({ screen: 'practice-progress' })}>
            {studentMode && <LockIcon />} {t('practice.teacher')}
          </button>
        )}
      </div>
      {!studentMode ? (
        <HandOverCard />
      ) : studentId === null ? (
        <>
          {signedOutIdle && (
            <p className="notice" role="status" data-testid="idle-signed-out">
              {t('practice.autoSignedOut')}
            </p>
          )}
          <StudentTiles />
        </>
      ) : (
        <StudentHome key={studentId} studentId={studentId} />
      )}
    </main>
  );
}
