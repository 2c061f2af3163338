// 答题器 on the lead console: the course's questions (or one typed here) pushed to every classroom of the lesson at once,
// then each classroom's answers as they arrive and the total — the hub's recomputed results, shown as they are, so a
// classroom whose answers came late through a cut is counted once.
import type { LiveRequestData, PushableQuestion, QuestionResults, QuizPush } from '../../../../src/shared/live-protocol.ts';
import type { ConsoleRequest } from './console-socket.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const letter = (i: number) => String.fromCharCode(65 + i);
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text = '', attrs: Record<string, string> = {}) => {
  const node = document.createElement(tag);
  node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};

export type ConsoleQuiz = { showResults(results: QuestionResults): void; showPush(push: QuizPush | null): void };

export function setUpConsoleQuiz(request: ConsoleRequest, say: (text: string) => void): ConsoleQuiz {
  let current: QuizPush | null = null;
  const results = new Map<string, QuestionResults>();

  const render = () => {
    const box = $('quiz-current');
    box.replaceChildren();
    $<HTMLButtonElement>('quiz-close').disabled = !current;
    if (!current) return;
    const { question } = current;
    box.append(el('p', question.prompt, { class: 'quiz-prompt' }));
    const r = results.get(`${current.quizId}/${question.id}`);
    const table = el('table', '', { 'data-testid': 'quiz-results' });
    const head = el('tr');
    for (const h of ['班级', '作答', '答对', ...question.choices.map((c, i) => `${letter(i)}. ${c}${i === question.answer ? ' ✓' : ''}`)]) head.append(el('th', h));
    table.append(head);
    const row = (name: string, t: { answered: number; correct: number; choices: number[] }, attrs: Record<string, string>) => {
      const tr = el('tr', '', attrs);
      for (const cell of [name, String(t.answered), String(t.correct), ...question.choices.map((_, i) => String(t.choices[i] ?? 0))]) tr.append(el('td', cell));
      table.append(tr);
    };
    for (const c of r?.classrooms ?? []) row(c.classroomName, c, { 'data-classroom': c.classroomName });
    if (r) row('合计', r.total, { 'data-total': 'true' });
    box.append(table);
  };

  const push = async (data: LiveRequestData<'pushQuestion'>) => {
    try {
      const { push } = await request('pushQuestion', data);
      current = push;
      say(`已推送：${push.question.prompt}`);
      render();
    } catch (error) {
      say(`题目没有推送出去：${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const loadQuestions = async () => {
    const list = $('quiz-bank');
    list.replaceChildren();
    let questions: PushableQuestion[] = [];
    try {
      questions = (await request('listQuestions', {})).questions;
    } catch (error) {
      list.append(el('li', `题库读取失败：${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    if (questions.length === 0) list.append(el('li', '本课程暂无随堂测题目，可在下方输入题目'));
    for (const q of questions) {
      const li = el('li');
      const button = el('button', '推送', { type: 'button', class: 'small' });
      button.onclick = () => void push({ quizId: q.quizId, questionId: q.question.id });
      li.append(el('span', `${q.question.prompt}（${q.question.choices.map((c, i) => `${letter(i)}. ${c}`).join('  ')}）`), button);
      list.append(li);
    }
  };

  $('quiz-form').onsubmit = (event) => {
    event.preventDefault();
    const prompt = $<HTMLTextAreaElement>('quiz-prompt').value.trim();
    const inputs = [...document.querySelectorAll<HTMLInputElement>('#quiz-choices input')];
    const filled = inputs.map((i, index) => ({ text: i.value.trim(), index })).filter((c) => c.text);
    const correct = Number($<HTMLSelectElement>('quiz-answer').value);
    const answer = filled.findIndex((c) => c.index === correct);
    if (!prompt || filled.length < 2 || answer < 0) return say('请输入题目、至少两个选项，并选择一个已填写的正确答案');
    void push({ typed: { prompt, choices: filled.map((c) => c.text), answer } });
  };
  $('quiz-close').onclick = () => {
    const pushId = current?.pushId;
    if (!pushId) return;
    request('closeQuestion', { pushId }).then(
      () => say('已结束答题'),
      (error: unknown) => say(`结束答题失败：${error instanceof Error ? error.message : String(error)}`),
    );
  };
  void loadQuestions();

  return {
    showResults(r) {
      results.set(`${r.quizId}/${r.questionId}`, r);
      render();
    },
    showPush(p) {
      current = p;
      render();
    },
  };
}
