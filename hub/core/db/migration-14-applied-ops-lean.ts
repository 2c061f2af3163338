// Migration 14: applied_ops keeps only what exactly-once needs — the op id as primary key. Its second index (device,
// seq) served only a test route, and its foreign key to devices re-checked, per op, a device the push had just
// authenticated (devices are never deleted: revoking keeps the row). Together they were ~23 % of PostgreSQL's CPU in
// `npm run load` (59 s instead of 77 s for the day; README, Figures). SQLite (one node) keeps its foreign key: dropping
// one there means rebuilding the table, for a check that costs a B-tree lookup in-process.
import type { Migration } from './migrations.ts';

export const migration14AppliedOpsLean: Migration = {
  version: 14,
  name: 'applied_ops: the op id only (no device index; no device foreign key on PostgreSQL)',
  sql: `DROP INDEX IF EXISTS applied_ops_device;`,
  postgres: `
        ALTER TABLE applied_ops DROP CONSTRAINT IF EXISTS applied_ops_device_id_fkey;
        DROP INDEX IF EXISTS applied_ops_device;`,
};
