import { describe, expect, it } from 'vitest';
import type { Lesson } from '../../../shared/protocol.ts';
import { reviewOrder, type ReviewCandidate } from './review-items.ts';

const now = new Date('2026-11-30T10:00:00+08:00');
const lesson = (id: string, startsAt: string): Lesson => ({
  id, classroomId: 'c', courseId: 'k', subject: '数学', title: id, leadSchoolName: '成都七中', teacherName: '王老师', mode: 'recorded',
  startsAt, endsAt: startsAt.replace(/T(\d\d)/, (_m, h: string) => `T${String(Number(h) + 1).padStart(2, '0')}`),
});
const c = (id: string, startsAt: string, cachedRecording: boolean, cachedAnything = cachedRecording): ReviewCandidate => ({ lesson: lesson(id, startsAt), cachedRecording, cachedAnything });

describe('reviewOrder (复习)', () => {
  it.each([
    ['taught lessons first, newest first', [c('mon', '2026-11-23T08:00:00+08:00', true), c('today', '2026-11-30T08:00:00+08:00', true), c('fri', '2026-11-27T08:00:00+08:00', true)], ['today', 'fri', 'mon']],
    ['a lesson in progress counts as taught', [c('now', '2026-11-30T09:30:00+08:00', false, true), c('old', '2026-11-20T09:30:00+08:00', true)], ['now', 'old']],
    ['next week’s lesson with only a 预习包 is not listed', [c('next', '2026-12-07T08:00:00+08:00', false, true), c('past', '2026-11-27T08:00:00+08:00', false, true)], ['past']],
    ['a recording sent early is listed after the taught ones, soonest first', [c('far', '2026-12-09T08:00:00+08:00', true), c('near', '2026-12-01T08:00:00+08:00', true), c('past', '2026-11-27T08:00:00+08:00', true)], ['past', 'near', 'far']],
    ['nothing cached, nothing listed', [c('past', '2026-11-27T08:00:00+08:00', false, false)], []],
  ])('%s', (_name, candidates, ids) => {
    expect(reviewOrder(candidates, now).map((x) => x.lesson.id)).toEqual(ids);
  });
});
