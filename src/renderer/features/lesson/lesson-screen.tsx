import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { navigate } from '../../stores/route-store.ts';
import { slotLabel } from '../timetable/lesson-time.ts';
import { ModeBadge } from '../timetable/mode-badge.tsx';
import { LessonActions } from './lesson-actions.tsx';
import { LessonTabs, type LessonTab } from './lesson-tabs.tsx';

export function LessonScreen({ lessonId }: { lessonId: string }) {
  const { t, i18n } = useTranslation();
  const { db } = useApp();
  const lesson = useLiveQuery(() => db.lessons.get(lessonId), [db, lessonId]);
  const [tab, setTab] = useState<LessonTab>('attendance');
  if (lesson === undefined) return null;
  return (
    <main className="lesson-screen">
      <div className="lesson-header">
        <button type="button" className="secondary" onClick={() => navigate({ screen: 'timetable' })}>
          ← {t('lesson.back')}
        </button>
        <div className="lesson-heading">
          <h1>
            {lesson.subject} <ModeBadge mode={lesson.mode} />
          </h1>
          <div className="muted">
            {slotLabel(lesson, i18n.language)} · {lesson.title} · {lesson.leadSchoolName} · {lesson.teacherName}
          </div>
        </div>
        <LessonActions lesson={lesson} />
      </div>
      <LessonTabs lesson={lesson} tab={tab} onTab={setTab} />
    </main>
  );
}
