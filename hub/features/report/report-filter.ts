// The report's filters (query string, validated) and the SQL they and the caller's scope become. The scope comes from
// the staff guard (never from the URL); a filter can only narrow it.
import { z } from 'zod';
import { Id } from '../../../src/shared/protocol.ts';
import type { StaffScope } from '../staff/staff-repo.ts';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const ReportFilter = z
  .object({
    from: Day.optional(),
    to: Day.optional(),
    courseId: Id.optional(),
    lessonId: Id.optional(),
    schoolId: Id.optional(),
    classroomId: Id.optional(),
  })
  .strict();
export type ReportFilter = z.infer<typeof ReportFilter>;

/** The per-class rows' query: the filter and which page (1…, CLASSES_PAGE_SIZE rows each; past the last: no rows). */
export const ClassesQuery = ReportFilter.extend({ page: z.string().regex(/^[1-9]\d{0,5}$/, 'a page number 1…999999').transform(Number).optional() }).strict();

/** Query strings send empty selects as `x=`: dropped before validation. */
export function filterFromQuery(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) return {};
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''));
}

/** The scope as the report sees it: the staff scope, or everything (the admin token, for machines). */
export type ReportScope = Pick<StaffScope, 'schoolIds' | 'courseIds'>;
export const EVERYTHING: ReportScope = { schoolIds: null, courseIds: null };

/** China date (UTC+8) → the UTC instant its day starts, as ISO (lessons' starts_at may carry any offset). */
const chinaDayStart = (day: string) => new Date(Date.parse(`${day}T00:00:00+08:00`)).toISOString();
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * WHERE conditions over `l` (lessons), `a` (lesson_audience), `cl` (classrooms). Dates compare on
 * `l.starts_at`: lessons store ISO text with an offset, so the range is widened by a day on each side in SQL (an index
 * range on text) and made exact in JS (`inRange`).
 */
export function audienceWhere(filter: ReportFilter, scope: ReportScope): { sql: string; params: string[] } {
  const conditions: string[] = [];
  const params: string[] = [];
  const inList = (column: string, ids: readonly string[]) => {
    if (ids.length === 0) conditions.push('1 = 0');
    else {
      conditions.push(`${column} IN (${ids.map(() => '?').join(', ')})`);
      params.push(...ids);
    }
  };
  if (scope.courseIds) inList('l.course_id', scope.courseIds);
  if (scope.schoolIds) inList('cl.school_id', scope.schoolIds);
  if (filter.courseId) inList('l.course_id', [filter.courseId]);
  if (filter.lessonId) inList('l.id', [filter.lessonId]);
  if (filter.schoolId) inList('cl.school_id', [filter.schoolId]);
  if (filter.classroomId) inList('a.classroom_id', [filter.classroomId]);
  if (filter.from) {
    conditions.push('l.starts_at >= ?');
    params.push(new Date(Date.parse(`${filter.from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10));
  }
  if (filter.to) {
    conditions.push('l.starts_at < ?');
    params.push(nextDay(nextDay(filter.to)));
  }
  return { sql: conditions.length > 0 ? conditions.join(' AND ') : '1 = 1', params };
}

/** The exact date test (China days) behind the widened SQL range. */
export function inRange(startsAt: string, filter: ReportFilter): boolean {
  const t = new Date(Date.parse(startsAt)).toISOString();
  if (filter.from && t < chinaDayStart(filter.from)) return false;
  if (filter.to && t >= chinaDayStart(nextDay(filter.to))) return false;
  return true;
}
