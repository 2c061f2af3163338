import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { summariseAttendance } from '../../../shared/attendance-summary.ts';
import type { AttendanceStatus, Lesson } from '../../../shared/protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import { rosterOf } from '../../db/timetable-repo.ts';

export function AttendancePanel({ lesson }: { lesson: Lesson }) {
  const { t } = useTranslation();
  const { db, session } = useApp();
  const roster = useLiveQuery(() => rosterOf(db, lesson.classroomId), [db, lesson.classroomId]);
  const marks = useLiveQuery(() => db.attendance.where('lessonId').equals(lesson.id).toArray(), [db, lesson.id]);
  const [failure, setFailure] = useState<string | null>(null);
  if (!roster || !marks) return null;
  // A write that fails (disk full, database closing) is said on screen, not only in the log: the teacher taps again.
  const save = (write: () => Promise<unknown>) => {
    setFailure(null);
    void Promise.resolve()
      .then(write)
      .catch((error: unknown) => setFailure(error instanceof Error ? `${error.name}: ${error.message}` : String(error)));
  };
  if (roster.length === 0) return <p className="empty">{t('records.noRoster')}</p>;

  const statusOf = new Map(marks.map((m) => [m.studentId, m.status]));
  const count = (s: AttendanceStatus) => roster.filter((st) => statusOf.get(st.id) === s).length;
  // The same meaning as the lead school's report: 出勤 = present + late, and no mark at all is 未考勤.
  const summary = summariseAttendance(roster.length, { present: count('present'), absent: count('absent'), late: count('late'), leave: count('leave') });
  const taken = roster.every((s) => statusOf.has(s.id));
  return (
    <div className="attendance">
      <div className="attendance-totals" data-testid="attendance-totals">
        <span>{t('records.expected', { count: roster.length })}</span>
        <span className="attendance-summary" data-testid="attendance-summary" data-taken={summary.taken}>
          {summary.taken ? (
            <>
              <span className="st-present">{t('records.arrived', { arrived: summary.arrived, expected: summary.expected })}</span>
              {' · '}
              <span className="st-late">{t('records.status.late')} {summary.late}</span>
              {' · '}
              <span className="st-absent">{t('records.status.absent')} {summary.absent}</span>
              {' · '}
              <span className="st-leave">{t('records.status.leave')} {summary.leave}</span>
            </>
          ) : (
            <span className="st-not-taken">{t('records.notTaken')}</span>
          )}
        </span>
        <button
          type="button"
          className="primary"
          disabled={taken}
          onClick={() => save(() => session.records().confirmAttendance(lesson.id, roster.map((s) => s.id)))}
        >
          {taken ? t('records.taken') : t('records.confirm')}
        </button>
      </div>
      {failure && (
        <p className="banner" role="alert">
          {t('records.saveFailed', { detail: failure })}
        </p>
      )}
      <p className="muted">{t('records.attendanceHint')}</p>
      <ul className="roster-grid">
        {roster.map((student) => {
          const status = statusOf.get(student.id) ?? 'present';
          return (
            <li key={student.id}>
              <button
                type="button"
                className={`student st-${status}`}
                data-testid="student"
                data-status={status}
                onClick={() => save(() => session.records().cycleAttendance(lesson.id, student.id))}
              >
                <span className="student-number">{student.number}</span>
                <span className="student-name">{student.name}</span>
                <span className="student-status">{t(`records.status.${status}`)}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
