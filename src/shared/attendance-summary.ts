// One meaning of 出勤 for the app and the lead school's report: 出勤 = students who came (present + late), with 迟到
// also shown on its own; a student without a mark counts as present once attendance has been taken (全部出勤 is the
// default), and a lesson with no mark at all is 未考勤 — never "42/42".
import type { AttendanceStatus } from './protocol.ts';

export type AttendanceCounts = Record<AttendanceStatus, number>;

export type AttendanceSummary =
  | { taken: false; expected: number }
  | { taken: true; expected: number; arrived: number; late: number; absent: number; leave: number };

/** `marked` counts the recorded marks per status (students on the roster only). */
export function summariseAttendance(expected: number, marked: Partial<AttendanceCounts>): AttendanceSummary {
  const absent = marked.absent ?? 0;
  const late = marked.late ?? 0;
  const leave = marked.leave ?? 0;
  const recorded = absent + late + leave + (marked.present ?? 0);
  if (recorded === 0) return { taken: false, expected };
  return { taken: true, expected, arrived: Math.max(0, expected - absent - leave), late, absent, leave };
}

/** The line both the app (zh-CN) and the report show, e.g. "出勤 41/42 · 迟到 1 · 缺勤 1 · 请假 0" or "未考勤". */
export function attendanceLineZh(s: AttendanceSummary): string {
  if (!s.taken) return '未考勤';
  return `出勤 ${s.arrived}/${s.expected} · 迟到 ${s.late} · 缺勤 ${s.absent} · 请假 ${s.leave}`;
}
