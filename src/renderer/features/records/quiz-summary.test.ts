import { describe, expect, it } from 'vitest';
import type { Quiz, Student } from '../../../shared/protocol.ts';
import type { QuizAnswerRow } from '../../db/app-db.ts';
import { quizSummary } from './quiz-summary.ts';

const quiz: Quiz = { id: 'q', lessonId: 'l', title: '随堂测', questions: [{ id: 'q1', prompt: '1+1', choices: ['1', '2'], answer: 1 }, { id: 'q2', prompt: '2+2', choices: ['4', '5'], answer: 0 }] };
const roster: Student[] = [{ id: 'a', classroomId: 'c', name: '甲', number: 1 }, { id: 'b', classroomId: 'c', name: '乙', number: 2 }];
const ans = (id: string, questionId: string, studentId: string | null, correct: number, total: number, hlc: string): QuizAnswerRow => ({
  id, lessonId: 'l', quizId: 'q', questionId, studentId, choice: null, correct, total, hlc,
});

describe('quizSummary', () => {
  it('counts the latest answer per student and question, adds tallies, and lists who needs help', () => {
    const s = quizSummary(quiz, [
      ans('1', 'q1', 'a', 0, 1, 'h1'),
      ans('2', 'q1', 'a', 1, 1, 'h2'), // corrected
      ans('3', 'q1', 'b', 0, 1, 'h1'),
      ans('4', 'q2', 'b', 0, 1, 'h1'),
      ans('5', 'q2', null, 10, 20, 'h1'),
      ans('6', 'q2', null, 12, 20, 'h3'), // a newer tally replaces the older one
    ], roster);
    expect(s.questions).toEqual([{ questionId: 'q1', answered: 2, correct: 1 }, { questionId: 'q2', answered: 21, correct: 12 }]);
    expect(s.needHelp.map((x) => x.name)).toEqual(['乙']);
  });
});
