import { describe, expect, it } from 'vitest';
import { attendanceLineZh, summariseAttendance } from './attendance-summary.ts';

describe('summariseAttendance: one meaning of 出勤 (present + late)', () => {
  it.each([
    ['no mark at all is 未考勤, not a full class', 42, {}, '未考勤'],
    ['全部出勤 confirmed', 42, { present: 42 }, '出勤 42/42 · 迟到 0 · 缺勤 0 · 请假 0'],
    ['late students arrived: counted in 出勤 and shown apart', 42, { present: 40, late: 1, absent: 1 }, '出勤 41/42 · 迟到 1 · 缺勤 1 · 请假 0'],
    ['unmarked students count as present once any mark exists', 42, { absent: 2, leave: 1 }, '出勤 39/42 · 迟到 0 · 缺勤 2 · 请假 1'],
    ['one late mark alone is attendance taken', 40, { late: 1 }, '出勤 40/40 · 迟到 1 · 缺勤 0 · 请假 0'],
  ])('%s', (_name, expected, marked, line) => {
    expect(attendanceLineZh(summariseAttendance(expected, marked))).toBe(line);
  });
});
