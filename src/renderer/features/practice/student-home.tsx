import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { examOpen } from '../../../shared/practice-policy.ts';
import type { ExamPaper } from '../../../shared/protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import { signOutStudent } from '../../stores/practice-session-store.ts';
import { formatDate } from '../timetable/lesson-time.ts';
import { useNow } from '../timetable/use-now.ts';
import { ExamRunner } from './exam-runner.tsx';
import { dueMistakes, practiceLessons, studentExams, type PracticeItem } from './practice-data.ts';
import { PracticeRunner } from './practice-runner.tsx';

/** `title` heads the questions: which lesson they are from, or 错题本. */
type Mode = { kind: 'home' } | { kind: 'practise'; items: PracticeItem[]; title: string } | { kind: 'exam'; exam: ExamPaper };

/** A signed-in student: the 错题本 due today, lessons to practise with their state, and 考核. */
export function StudentHome({ studentId }: { studentId: string }) {
  const { t, i18n } = useTranslation();
  const { db } = useApp();
  const weekdays = t('weekday', { returnObjects: true }) as string[];
  const now = useNow(10_000).getTime();
  const student = useLiveQuery(() => db.students.get(studentId), [db, studentId]);
  const lessons = useLiveQuery(() => practiceLessons(db, studentId, Date.now()), [db, studentId]);
  const due = useLiveQuery(() => dueMistakes(db, studentId, Date.now()), [db, studentId, now]);
  const exams = useLiveQuery(() => studentExams(db, studentId), [db, studentId]);
  const [mode, setMode] = useState<Mode>({ kind: 'home' });
  const home = () => setMode({ kind: 'home' });
  return (
    <section className="student-home">
      <div className="student-bar">
        <strong data-testid="practising-student">{t('practice.hello', { name: student?.name ?? '' })}</strong>
        <button type="button" className="primary sign-out" onClick={() => signOutStudent()}>
          {t('practice.signOut')}
        </button>
      </div>
      {mode.kind === 'practise' && <PracticeRunner studentId={studentId} items={mode.items} title={mode.title} onDone={home} />}
      {mode.kind === 'exam' && <ExamRunner studentId={studentId} exam={mode.exam} onDone={home} />}
      {mode.kind === 'home' && (
        <>
          <button type="button" className="mistakes-button" data-testid="mistakes" disabled={!due?.length} onClick={() => due?.length && setMode({ kind: 'practise', items: due, title: t('practice.mistakes') })}>
            <span className="big">{t('practice.mistakes')}</span>
            <span>{due?.length ? t('practice.mistakesDue', { count: due.length }) : t('practice.mistakesNone')}</span>
          </button>
          {exams && exams.length > 0 && (
            <>
              <h2>{t('practice.exams')}</h2>
              <ul className="practice-list">
                {exams.map(({ exam, submission, result }) => {
                  const score = result?.scores.find((s) => s.studentId === studentId);
                  const open = examOpen(exam, now);
                  return (
                    <li key={exam.id} className="practice-row" data-testid="exam-row">
                      <span className="title">{exam.title}</span>
                      {score ? (
                        <strong data-testid="exam-score">{t('practice.examScore', score)}</strong>
                      ) : submission ? (
                        <span className="muted">{t('practice.examSubmitted')}</span>
                      ) : open ? (
                        <button type="button" className="primary" onClick={() => setMode({ kind: 'exam', exam })}>
                          {t('practice.examOpen', { minutes: Math.round(exam.durationSec / 60) })}
                        </button>
                      ) : (
                        <span className="muted">{now < Date.parse(exam.opensAt) ? t('practice.examNotOpen', { time: new Date(exam.opensAt).toLocaleString('zh-CN') }) : t('practice.examClosed')}</span>
                      )}
                    </li>
                  );
                })}
              </ul>
            </>
          )}
          <h2>{t('practice.lessons')}</h2>
          {lessons?.length === 0 && <p className="empty">{t('practice.noLessons')}</p>}
          <ul className="practice-list">
            {lessons?.map(({ lesson, quizzes, state }) => (
              <li key={lesson.id}>
                <button
                  type="button"
                  className="practice-row"
                  data-testid="practice-lesson"
                  data-lesson-id={lesson.id}
                  onClick={() => setMode({ kind: 'practise', items: quizzes.flatMap((quiz) => quiz.questions.map((q) => ({ quiz, questionId: q.id }))), title: `${lesson.subject} · ${lesson.title}` })}
                >
                  <span className="title">
                    {lesson.subject} · {lesson.title}
                  </span>
                  {/* The same lesson title comes back on other days: the date tells them apart. */}
                  <span className="muted when">
                    {formatDate(new Date(lesson.startsAt), i18n.language)} {weekdays[new Date(lesson.startsAt).getDay()] ?? ''}
                  </span>
                  <span className={`state state-${state}`}>{t(state === 'mastered' ? 'practice.mastered' : state === 'practising' ? 'practice.practising' : 'practice.notPractised')}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
