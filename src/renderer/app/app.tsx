import { useTranslation } from 'react-i18next';
import { EnrollScreen } from '../features/enroll/enroll-screen.tsx';
import { TopBar } from '../features/shell/top-bar.tsx';
import { TimetableScreen } from '../features/timetable/timetable-screen.tsx';
import { useSession } from '../stores/session-store.ts';

export function App() {
  const { t } = useTranslation();
  const { ready, identity, enrolling } = useSession();
  if (!ready) return <main className="splash">{t('app.title')}</main>;
  if (!identity || enrolling) return <EnrollScreen canCancel={identity !== null} />;
  return (
    <div className="shell">
      <TopBar identity={identity} />
      <TimetableScreen />
    </div>
  );
}
