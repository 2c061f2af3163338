// Migration 17: 联合教研 feedback can be taken back. The row stays (who said what, and who took it back when: a county
// admin may withdraw a teacher's reply), so a second withdrawal is answered as already done instead of `not_found`,
// and the classrooms learn of it through the change log (`note.feedback.withdraw`), not from the row.
import type { Migration } from './migrations.ts';

export const migration17FeedbackWithdrawal: Migration = {
  version: 17,
  name: '联合教研 feedback withdrawal: when, and by whom',
  sql: `
        ALTER TABLE note_feedback ADD COLUMN withdrawn_at TEXT;
        ALTER TABLE note_feedback ADD COLUMN withdrawn_by TEXT REFERENCES staff_accounts(id);`,
};
