// Vitest global setup of the "pg" project: one throwaway PostgreSQL cluster for the run; each test hub makes its own
// database on it (hub/testing/test-store.ts), so test files never see each other's rows.
import type { TestProject } from 'vitest/node';
import { startPostgresServer } from './postgres-server.ts';

// Module augmentation needs an interface (a type alias cannot merge).
declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startPostgresServer();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
