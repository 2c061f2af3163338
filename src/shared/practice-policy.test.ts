import { describe, expect, it } from 'vitest';
import { DAY_MS, examOpen, isDue, isMastered, nextReview, scoreExam, stuckQuestions, type ReviewEntry } from './practice-policy.ts';

const T = Date.parse('2026-12-01T08:00:00Z');

describe('错题本 schedule: next day, 3 days, a week', () => {
  const cases: [string, ReviewEntry | null, boolean, number, ReviewEntry | null][] = [
    ['right, never wrong: not in the book', null, true, T, null],
    ['wrong: back tomorrow', null, false, T, { step: 0, dueAt: T + DAY_MS }],
    ['wrong again while in the book: restarts', { step: 2, dueAt: T }, false, T, { step: 0, dueAt: T + DAY_MS }],
    ['right when due (day 1): back in 3 days', { step: 0, dueAt: T }, true, T, { step: 1, dueAt: T + 3 * DAY_MS }],
    ['right when due (day 4): back in a week', { step: 1, dueAt: T }, true, T, { step: 2, dueAt: T + 7 * DAY_MS }],
    ['right when due (last step): out of the book', { step: 2, dueAt: T }, true, T, null],
    ['right before it is due: schedule unchanged', { step: 0, dueAt: T + DAY_MS }, true, T, { step: 0, dueAt: T + DAY_MS }],
  ];
  it.each(cases)('%s', (_name, entry, correct, now, expected) => {
    expect(nextReview(entry, correct, now)).toEqual(expected);
  });
  it('is due from its time on', () => {
    expect(isDue({ step: 0, dueAt: T }, T - 1)).toBe(false);
    expect(isDue({ step: 0, dueAt: T }, T)).toBe(true);
  });
});

describe('mastery: 3 right in a row', () => {
  it.each([
    [[], false],
    [[true, true], false],
    [[true, true, true], true],
    [[false, true, true, true], true],
    [[true, true, true, false], false],
    [[true, false, true, true], false],
  ] as [boolean[], boolean][])('%j → %s', (results, mastered) => expect(isMastered(results)).toBe(mastered));
});

describe('stuck questions', () => {
  const a = (question: string, correct: boolean) => ({ question, correct });
  it.each([
    ['one wrong answer is not stuck', [a('q1', false)], []],
    ['two wrong answers are', [a('q1', false), a('q1', false)], ['q1']],
    ['right since: no longer stuck', [a('q1', false), a('q1', false), a('q1', true)], []],
    ['wrong again after right: stuck again', [a('q1', false), a('q1', true), a('q1', false)], ['q1']],
    ['per question', [a('q1', false), a('q2', false), a('q2', false)], ['q2']],
  ] as [string, { question: string; correct: boolean }[], string[]][])('%s', (_n, attempts, stuck) => expect(stuckQuestions(attempts)).toEqual(stuck));
});

describe('exam window and score', () => {
  const exam = { opensAt: '2026-12-01T08:00:00Z', closesAt: '2026-12-01T09:00:00Z' };
  it.each([
    [T - 1, false],
    [T, true],
    [T + 3_600_000 - 1, true],
    [T + 3_600_000, false],
  ])('at %i open: %s', (now, open) => expect(examOpen(exam, now)).toBe(open));
  it('scores against the key, blanks wrong', () => {
    expect(scoreExam([1, 0, 2], [1, null, 2])).toEqual({ correct: 2, total: 3 });
  });
});
