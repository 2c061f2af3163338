import { useTranslation } from 'react-i18next';
import { ContentScreen } from '../features/content/content-screen.tsx';
import { ReviewScreen } from '../features/content/review-screen.tsx';
import type { DeviceIdentity } from '../../shared/ipc.ts';
import { AdminScreen } from '../features/admin/admin-screen.tsx';
import { EnrollScreen } from '../features/enroll/enroll-screen.tsx';
import { DataSafetyBanner } from '../features/shell/data-safety-banner.tsx';
import { TopBar } from '../features/shell/top-bar.tsx';
import { LessonScreen } from '../features/lesson/lesson-screen.tsx';
import { ClassProgressScreen } from '../features/practice/class-progress-screen.tsx';
import { PracticeScreen } from '../features/practice/practice-screen.tsx';
import { TeacherUnlockDialog } from '../features/practice/teacher-unlock-dialog.tsx';
import { LiveScreen } from '../features/live/live-screen.tsx';
import { SyncDetailsScreen } from '../features/sync/sync-details-screen.tsx';
import { TimetableScreen } from '../features/timetable/timetable-screen.tsx';
import { useRoute, type Route } from '../stores/route-store.ts';
import { useSession } from '../stores/session-store.ts';

export function App() {
  const { t } = useTranslation();
  const { ready, identity, enrolling } = useSession();
  const route = useRoute((s) => s.route);
  const refused = useRoute((s) => (s.studentMode ? s.refused : null));
  if (!ready) return <main className="splash">{t('app.title')}</main>;
  if (!identity || enrolling) return <EnrollScreen canCancel={identity !== null} />;
  return (
    <div className="shell">
      <TopBar identity={identity} />
      <DataSafetyBanner />
      <Screen route={route} identity={identity} />
      {refused && <TeacherUnlockDialog refusal={refused} />}
    </div>
  );
}

function Screen({ route, identity }: { route: Route; identity: DeviceIdentity }) {
  switch (route.screen) {
    case 'timetable':
      return <TimetableScreen />;
    case 'lesson':
      return <LessonScreen key={route.lessonId} lessonId={route.lessonId} />;
    case 'live':
      return <LiveScreen key={route.lessonId} lessonId={route.lessonId} identity={identity} />;
    case 'admin':
      return <AdminScreen />;
    case 'sync':
      return <SyncDetailsScreen />;
    case 'content':
      return (
        <ContentScreen
          key={route.lessonId}
          lessonId={route.lessonId}
          back={route.back ?? 'lesson'}
          {...(route.kind ? { kind: route.kind } : {})}
          {...(route.startAt !== undefined ? { startAt: route.startAt } : {})}
        />
      );
    case 'review':
      return <ReviewScreen />;
    case 'practice':
      return <PracticeScreen />;
    case 'practice-progress':
      return <ClassProgressScreen />;
  }
}
