// The report's routes. Staff (session cookie, scope from the guard): who am I, the filter options, the report's summary
// (its first view), its per-class rows a page at a time, its .xlsx/.csv exports, sign-out. Public: the page shell and its script, styles and chart library (no data in them)
// and the sign-in. Admin (token, machines): the same report JSON over everything.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { Text } from '../../../src/shared/protocol.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import { parseOrBadRequest } from '../../core/http/validate.ts';
import { refuseForeignOrigin, setSessionCookie, signIn, staffOf, staffScopeOf } from '../staff/staff-auth.ts';
import { deleteSession } from '../staff/staff-repo.ts';
import { reportCsv, reportXlsx } from './report-export.ts';
import { ClassesQuery, EVERYTHING, filterFromQuery, ReportFilter } from './report-filter.ts';
import { reportOptions } from './report-options.ts';
import { queryClassesPage, queryReportView } from './report-query.ts';
import { queryReportSummary } from './report-summary-query.ts';

export const StaffPaths = {
  page: '/staff',
  researchPage: '/staff/research',
  script: '/staff/assets/report-app.js',
  research: '/staff/assets/research-app.js',
  styles: '/staff/assets/report.css',
  chart: '/staff/assets/chart.umd.min.js',
  login: '/staff/api/login',
  logout: '/staff/api/logout',
  me: '/staff/api/me',
  options: '/staff/api/options',
  report: '/staff/api/report',
  classes: '/staff/api/report/classes',
  xlsx: '/staff/api/report.xlsx',
  csv: '/staff/api/report.csv',
  adminReport: '/v1/admin/term-report',
} as const;

const here = dirname(fileURLToPath(import.meta.url));
const chartFile = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
// The hub sets no CSP elsewhere; the staff pages do, strictly: scripts only from the hub, no inline script.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Staff answers are never for other origins: the hub-wide CORS (for classroom bearer tokens) is taken back here. */
export function withoutCors(app: FastifyInstance) {
  app.addHook('onSend', async (_request, reply) => {
    reply.removeHeader('access-control-allow-origin');
    reply.removeHeader('access-control-allow-credentials');
  });
}

export function registerStaffPublicRoutes(open: FastifyInstance, ctx: HubContext) {
  const files: [string, string, string][] = [
    [StaffPaths.page, join(here, 'page', 'staff.html'), 'text/html; charset=utf-8'],
    [StaffPaths.researchPage, join(here, 'page', 'research.html'), 'text/html; charset=utf-8'],
    [StaffPaths.script, join(here, 'page', 'report-app.js'), 'text/javascript; charset=utf-8'],
    [StaffPaths.research, join(here, 'page', 'research-app.js'), 'text/javascript; charset=utf-8'],
    [StaffPaths.styles, join(here, 'page', 'report.css'), 'text/css; charset=utf-8'],
    [StaffPaths.chart, chartFile, 'text/javascript; charset=utf-8'],
  ];
  for (const [url, file, type] of files) {
    const body = readFileSync(file);
    open.get(url, async (_request, reply) => reply.type(type).header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').send(body));
  }
  // Text: no NUL, which PostgreSQL cannot compare against (a 500 instead of a refusal).
  const Login = z.object({ username: Text(64, 1), password: z.string().min(1).max(200) }).strict();
  open.post(StaffPaths.login, { config: { credential: true } }, async (request, reply) => {
    refuseForeignOrigin(request);
    const body = parseOrBadRequest(Login, request.body);
    const session = await signIn(ctx, body.username, body.password, request.ip);
    setSessionCookie(request, reply, session.sessionId);
    return { csrfToken: session.csrfToken };
  });
}

const download = (reply: FastifyReply, type: string, name: string, body: string | Buffer) =>
  reply.type(type).header('content-disposition', `attachment; filename="report.${name}"; filename*=UTF-8''${encodeURIComponent(`接收课堂报告.${name}`)}`).send(body);

export function registerStaffReportRoutes(staff: FastifyInstance, ctx: HubContext) {
  staff.get(StaffPaths.me, async (request) => {
    const { scope, csrfToken } = staffOf(request);
    return { me: { username: scope.username, displayName: scope.displayName, role: scope.role, schoolIds: scope.schoolIds, courseIds: scope.courseIds }, csrfToken };
  });
  staff.post(StaffPaths.logout, async (request, reply) => {
    await deleteSession(ctx.db, staffOf(request).sessionId);
    setSessionCookie(request, reply, null);
    return { signedOut: true };
  });
  staff.get(StaffPaths.options, async (request) => reportOptions(ctx.db, staffScopeOf(request)));
  staff.get(StaffPaths.report, async (request) => queryReportSummary(ctx.db, parseOrBadRequest(ReportFilter, filterFromQuery(request.query)), staffScopeOf(request), ctx.now()));
  staff.get(StaffPaths.classes, async (request) => {
    const { page = 1, ...filter } = parseOrBadRequest(ClassesQuery, filterFromQuery(request.query));
    return queryClassesPage(ctx.db, filter, staffScopeOf(request), ctx.now(), page);
  });
  staff.get(StaffPaths.csv, async (request, reply) => {
    const view = await queryReportView(ctx.db, parseOrBadRequest(ReportFilter, filterFromQuery(request.query)), staffScopeOf(request), ctx.now());
    return download(reply, 'text/csv; charset=utf-8', 'csv', reportCsv(view));
  });
  staff.get(StaffPaths.xlsx, async (request, reply) => {
    const view = await queryReportView(ctx.db, parseOrBadRequest(ReportFilter, filterFromQuery(request.query)), staffScopeOf(request), ctx.now());
    return download(reply, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx', await reportXlsx(view, ctx.hubName));
  });
}

export function registerAdminTermReport(admin: FastifyInstance, ctx: HubContext) {
  admin.get(StaffPaths.adminReport, async (request) => queryReportView(ctx.db, parseOrBadRequest(ReportFilter, filterFromQuery(request.query)), EVERYTHING, ctx.now()));
}
