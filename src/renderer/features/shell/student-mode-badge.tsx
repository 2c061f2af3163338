import { useTranslation } from 'react-i18next';
import { askTeacherUnlock } from '../../stores/route-store.ts';
import { LockIcon } from './lock-icon.tsx';

/**
 * In 学生模式 the top bar says so, and offers the teacher's way out: asking for her timetable, which the route store
 * refuses until the teacher PIN is given (the unlock dialog opens on the refusal).
 */
export function StudentModeBadge() {
  const { t } = useTranslation();
  return (
    <>
      <span className="student-mode-badge" data-testid="student-mode-badge">
        {t('studentMode.badge')}
      </span>
      <button type="button" className="secondary small" data-testid="teacher-unlock-open" onClick={askTeacherUnlock}>
        <LockIcon /> {t('studentMode.unlockButton')}
      </button>
    </>
  );
}
