// A signed-in account changes its own password. The current password is checked like a sign-in — the same counter per
// account AND address (staffLoginPerAccountAddress), so a stolen cookie gives a guesser no more tries than the sign-in
// form does. On success every OTHER session of the account ends (a stolen cookie stops working); this one goes on.
import { HubError } from '../../core/http/hub-error.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import { checkCredential } from '../../core/http/hub-limits.ts';
import type { AttemptCounter } from '../../core/http/store-attempt-limiter.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { signInKey } from './staff-auth.ts';
import { deleteOtherSessions } from './staff-repo.ts';

export type PasswordChange = { accountId: string; username: string; sessionId: string; currentPassword: string; newPassword: string; address: string };

// `forbidden`, not `unauthorized`: the caller IS signed in (a 401 would tell the page its session ended).
const wrongPassword = () => new HubError('forbidden', 'wrong current password');
const isWrongPassword = (error: unknown) => error instanceof HubError && error.code === 'forbidden';

export async function changePassword(ctx: HubContext, change: PasswordChange): Promise<{ otherSessionsEnded: number }> {
  if (change.newPassword === change.currentPassword) throw new HubError('bad_request', 'the new password is the current one');
  const limit: [AttemptCounter, string] = [ctx.attempts.staffLoginPerAccountAddress, signInKey(change.username, change.address)];
  const verified = await checkCredential('sign-ins for this account', { own: [limit] }, async () => {
    const row = await ctx.db.get<{ password_hash: string }>(`SELECT password_hash FROM staff_accounts WHERE id = ?`, [change.accountId]);
    if (!row || !(await verifyPassword(change.currentPassword, row.password_hash))) throw wrongPassword();
    return row.password_hash;
  }, isWrongPassword);
  const next = await hashPassword(change.newPassword);
  return ctx.db.transaction(async (tx) => {
    // Only over the hash just verified: a change that landed meanwhile (another session) is not silently overwritten.
    const updated = await tx.run(`UPDATE staff_accounts SET password_hash = ? WHERE id = ? AND password_hash = ?`, [next, change.accountId, verified]);
    if (updated.changes === 0) throw new HubError('forbidden', 'the password was changed meanwhile; sign in again with the new one');
    return { otherSessionsEnded: await deleteOtherSessions(tx, change.accountId, change.sessionId) };
  });
}
