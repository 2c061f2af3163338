// The report as files: .xlsx with exceljs (maintained, pure JS, writes real Office Open XML that Excel and WPS open),
// and CSV as UTF-8 with a BOM, without which Excel on Chinese Windows reads the file as GBK and shows mojibake.
import ExcelJS from 'exceljs';
import { chinaTime } from './admin-report.ts';
import { percent, type ReportView } from './report-view.ts';

/** The per-class table, one row per lesson and class: the same columns in CSV and in the workbook's first sheet. */
export const CLASS_COLUMNS = ['时间（北京时间）', '学科', '课题', '学校', '班级', '应到', '出勤', '迟到', '缺勤', '请假', '作答数', '答对数', '正确率', '需要辅导'] as const;

export function classRowCells(r: ReportView['rows'][number]): (string | number)[] {
  const a = r.attendance;
  return [
    chinaTime(r.startsAt),
    r.subject,
    r.title,
    r.school,
    r.classroom,
    r.roster,
    a.taken ? a.arrived : '未考勤',
    a.taken ? a.late : '',
    a.taken ? a.absent : '',
    a.taken ? a.leave : '',
    r.quiz?.answered ?? '',
    r.quiz?.correct ?? '',
    r.quiz ? percent(r.quiz.correct, r.quiz.answered) : '—',
    r.needHelp.join('、'),
  ];
}

const csvCell = (v: string | number) => {
  const text = String(v);
  // Quote what CSV needs, and defuse spreadsheet formulas (a class or student name starting with = + - @).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function reportCsv(view: ReportView): string {
  const lines = [CLASS_COLUMNS.join(','), ...view.rows.map((r) => classRowCells(r).map(csvCell).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export async function reportXlsx(view: ReportView, hubName: string): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = hubName;
  const classes = book.addWorksheet('按班级');
  classes.addRow([...CLASS_COLUMNS]);
  for (const r of view.rows) classes.addRow(classRowCells(r));
  const lessons = book.addWorksheet('按课');
  lessons.addRow(['时间（北京时间）', '学科', '课题', '班级数', '出勤', '应到（已考勤班级）', '作答数', '答对数', '正确率', '错得最多的题']);
  for (const l of view.lessons) {
    const hardest = l.questions.find((q) => q.questionId === l.hardestQuestionId);
    lessons.addRow([chinaTime(l.startsAt), l.subject, l.title, l.classes, l.attended, l.takenRoster, l.answered, l.correct, percent(l.correct, l.answered), hardest?.prompt ?? '']);
  }
  const questions = book.addWorksheet('按题');
  questions.addRow(['时间（北京时间）', '课题', '题目', '作答数', '答对数', '正确率', '班级数', '答错多的班级数']);
  for (const l of view.lessons) {
    for (const q of l.questions) questions.addRow([chinaTime(l.startsAt), l.title, q.prompt, q.answered, q.correct, percent(q.correct, q.answered), q.classes, q.classesWrong]);
  }
  for (const sheet of [classes, lessons, questions]) {
    sheet.getRow(1).font = { bold: true };
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
