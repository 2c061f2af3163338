import type { PackSigner } from '../content/pack-signing.ts';
import type { HubDatabase } from '../db/open-database.ts';

/** What every route needs, passed in so tests can give a temp database and a fixed clock. */
export type HubContext = {
  db: HubDatabase;
  hubName: string;
  adminToken: string;
  now: () => Date;
  /** Where the content-addressed store lives (hub/content); without it no file can be served. */
  contentDir?: string;
  /** Signs pack manifests; its public key goes to classrooms at enrollment and with every pack list. */
  packSigner: PackSigner;
};
