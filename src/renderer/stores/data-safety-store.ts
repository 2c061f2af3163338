// What the screen shows about the start-up database check (shell services are its only writer): while the backups
// cannot be read the database is unverified, and the teacher and IT must be able to see that.
import { create } from 'zustand';

export type DataSafety = { backup: 'checking' | 'verified' | 'unverified'; reason: string | null };

export const useDataSafety = create<DataSafety>(() => ({ backup: 'checking', reason: null }));

export function setDataSafety(state: DataSafety): void {
  useDataSafety.setState(state);
}
