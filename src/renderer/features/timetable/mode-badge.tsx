import { useTranslation } from 'react-i18next';
import type { LessonMode } from '../../../shared/protocol.ts';

export function ModeBadge({ mode }: { mode: LessonMode }) {
  const { t } = useTranslation();
  return <span className={`mode-badge mode-${mode}`}>{t(`mode.${mode}`)}</span>;
}
