import { useTranslation } from 'react-i18next';
import type { Lesson } from '../../../shared/protocol.ts';
import { AttendancePanel } from '../records/attendance-panel.tsx';
import { NotesPanel } from '../records/notes-panel.tsx';
import { QuizPanel } from '../records/quiz-panel.tsx';

export type LessonTab = 'attendance' | 'notes' | 'quiz';
const tabs: LessonTab[] = ['attendance', 'notes', 'quiz'];

export function LessonTabs({ lesson, tab, onTab }: { lesson: Lesson; tab: LessonTab; onTab: (t: LessonTab) => void }) {
  const { t } = useTranslation();
  return (
    <section className="lesson-body">
      <div className="tabs" role="tablist">
        {tabs.map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} onClick={() => onTab(name)}>
            {t(`lesson.tabs.${name}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" data-lesson-id={lesson.id} data-tab={tab}>
        {tab === 'attendance' && <AttendancePanel lesson={lesson} />}
        {tab === 'notes' && <NotesPanel lesson={lesson} />}
        {tab === 'quiz' && <QuizPanel lesson={lesson} />}
      </div>
    </section>
  );
}
