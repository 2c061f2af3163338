import { createContext, useContext } from 'react';
import type { AppDb } from '../db/app-db.ts';
import type { Session } from './session.ts';
import type { StudentMode } from './student-mode.ts';

export type AppServices = { db: AppDb; session: Session; studentMode: StudentMode };

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp outside <AppContext.Provider>');
  return services;
}
