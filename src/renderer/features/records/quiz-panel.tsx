import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import type { Lesson } from '../../../shared/protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import { QuizRunner } from './quiz-runner.tsx';

/** The lesson's 随堂测, run on the board that faces the class. */
export function QuizPanel({ lesson }: { lesson: Lesson }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const quizzes = useLiveQuery(() => db.quizzes.where('lessonId').equals(lesson.id).toArray(), [db, lesson.id]);
  if (!quizzes) return null;
  if (quizzes.length === 0) return <p className="empty">{t('records.noQuiz')}</p>;
  return (
    <>
      {quizzes.map((quiz) => (
        <QuizRunner key={quiz.id} quiz={quiz} classroomId={lesson.classroomId} />
      ))}
    </>
  );
}
