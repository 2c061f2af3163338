// `npm run hub:staff -- add --username <u> --name <显示名> --role county|lead|head [--course <id>]... [--school <id>]`
// Makes a staff account for the report sign-in on the hub's store (HUB_DATABASE_URL, or HUB_DATA_DIR/hub.sqlite). The
// password is read from HUB_STAFF_PASSWORD (so it stays out of shell history and `ps`), checked as the admin route does.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openHubDatabase } from '../core/db/open-database.ts';
import { NewStaffAccount } from '../features/staff/staff-admin-routes.ts';
import { createStaffAccount } from '../features/staff/staff-repo.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { username: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, course: { type: 'string', multiple: true }, school: { type: 'string' } },
});
const parsed = NewStaffAccount.safeParse({
  username: values.username,
  displayName: values.name,
  role: values.role,
  password: process.env.HUB_STAFF_PASSWORD,
  ...(values.school ? { schoolId: values.school } : {}),
  ...(values.course ? { courseIds: values.course } : {}),
});
if (positionals[0] !== 'add' || !parsed.success) {
  console.error('usage: HUB_STAFF_PASSWORD=… npm run hub:staff -- add --username <u> --name <name> --role county|lead|head [--course <id>]... [--school <id>]');
  if (!parsed.success) console.error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  process.exit(2);
}
const dataDir = process.env.HUB_DATA_DIR ?? join(import.meta.dirname, '..', 'data');
const db = await openHubDatabase({ databaseUrl: process.env.HUB_DATABASE_URL, sqliteFile: join(dataDir, 'hub.sqlite') });
try {
  const id = await createStaffAccount(db, parsed.data, new Date());
  console.log(`staff account ${parsed.data.username} (${parsed.data.role}) created: ${id}`);
} catch (error) {
  console.error(`could not create the account: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.close();
}
