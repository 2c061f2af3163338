// Staff change their own password over real HTTP (SQLite here, PostgreSQL in the `pg` project): the current password
// is checked like a sign-in and shares its failure budget; on success the account's other sessions end and this one
// goes on; every refusal is named and leaves the password and the sessions as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startReportHub, staffFetch, type StaffSession } from '../../testing/staff-report-fixture.ts';
import type { TestHub } from '../../testing/test-hub.ts';
import { createStaffAccount } from './staff-repo.ts';

let hub: TestHub;
const NOW = new Date('2026-11-25T02:00:00Z');

beforeAll(async () => {
  ({ hub } = await startReportHub());
  for (const username of ['teacher-a', 'teacher-b', 'teacher-c']) {
    await createStaffAccount(hub.db, { username, displayName: username, role: 'lead', password: 'first-password-1', courseIds: ['crs-math-7'] }, NOW);
  }
}, 60_000);
afterAll(() => hub.close());

const change = (session: StaffSession | null, body: unknown, headers: Record<string, string> = session ? { 'x-csrf-token': session.csrf } : {}) =>
  staffFetch(hub, session, '/staff/api/password', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const codeOf = async (res: Response) => [res.status, ((await res.json()) as { error?: { code: string } }).error?.code];
const me = async (session: StaffSession) => (await staffFetch(hub, session, '/staff/api/me')).status;
const login = (username: string, password: string) =>
  fetch(`${hub.base}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
const stored = (username: string) => hub.db.get(`SELECT password_hash FROM staff_accounts WHERE username = ?`, [username]);
const sessionsOf = (username: string) => hub.db.all(`SELECT s.id_hash FROM staff_sessions s JOIN staff_accounts a ON a.id = s.account_id WHERE a.username = ? ORDER BY s.id_hash`, [username]);

describe('staff change their own password', () => {
  it('ends the account’s other sessions (a stolen cookie stops working) and keeps this one; only the new password signs in', async () => {
    const here = await signIn(hub, 'teacher-a', 'first-password-1');
    const stolen = await signIn(hub, 'teacher-a', 'first-password-1');
    const someoneElse = await signIn(hub, 'teacher-b', 'first-password-1');
    const res = await change(here, { currentPassword: 'first-password-1', newPassword: 'second-password-2' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ changed: true, otherSessionsEnded: 1 });
    expect([await me(here), await me(stolen), await me(someoneElse)]).toEqual([200, 401, 200]);
    expect((await login('teacher-a', 'first-password-1')).status).toBe(401);
    expect((await login('teacher-a', 'second-password-2')).status).toBe(200);
  });

  it('refused by name, the password and sessions unchanged: wrong current password, too short, the same, no CSRF, signed out, extra fields', async () => {
    const session = await signIn(hub, 'teacher-b', 'first-password-1');
    const before = [await stored('teacher-b'), await sessionsOf('teacher-b')];
    expect(await codeOf(await change(session, { currentPassword: 'wrong-password', newPassword: 'second-password-2' }))).toEqual([403, 'forbidden']);
    expect(await codeOf(await change(session, { currentPassword: 'first-password-1', newPassword: 'short' }))).toEqual([400, 'bad_request']);
    expect(await codeOf(await change(session, { currentPassword: 'first-password-1', newPassword: 'first-password-1' }))).toEqual([400, 'bad_request']);
    expect(await codeOf(await change(session, { currentPassword: 'first-password-1', newPassword: 'second-password-2' }, {}))).toEqual([403, 'forbidden']);
    expect(await codeOf(await change(session, { currentPassword: 'first-password-1', newPassword: 'second-password-2' }, { 'x-csrf-token': session.csrf, origin: 'http://evil.example' }))).toEqual([403, 'forbidden']);
    expect(await codeOf(await change(null, { currentPassword: 'first-password-1', newPassword: 'second-password-2' }))).toEqual([401, 'unauthorized']);
    expect(await codeOf(await change(session, { currentPassword: 'first-password-1', newPassword: 'second-password-2', username: 'demo-county' }))).toEqual([400, 'bad_request']);
    expect([await stored('teacher-b'), await sessionsOf('teacher-b')]).toEqual(before);
    expect(await me(session)).toBe(200);
  });

  it('wrong current passwords count against sign-in: past the limit even the right one is rate_limited, and so is signing in', async () => {
    const session = await signIn(hub, 'teacher-c', 'first-password-1');
    const before = await stored('teacher-c');
    for (let i = 0; i < 5; i++) expect(await codeOf(await change(session, { currentPassword: `guess-${i}`, newPassword: 'second-password-2' }))).toEqual([403, 'forbidden']);
    const limited = await change(session, { currentPassword: 'first-password-1', newPassword: 'second-password-2' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await codeOf(limited)).toEqual([429, 'rate_limited']);
    expect(await codeOf(await login('teacher-c', 'first-password-1'))).toEqual([429, 'rate_limited']);
    expect(await stored('teacher-c')).toEqual(before);
    // Once the window has passed, the right current password works again.
    hub.setNow(new Date(NOW.getTime() + 16 * 60_000));
    expect((await change(session, { currentPassword: 'first-password-1', newPassword: 'second-password-2' })).status).toBe(200);
  });
});
