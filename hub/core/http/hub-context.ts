import type { PackSigner } from '../signing/pack-signing.ts';
import type { HubDatabase } from '../db/open-database.ts';
import type { HubAttempts } from './hub-limits.ts';
import type { HubEvents } from '../hub-events.ts';

/** What every route needs, passed in so tests can give a temp database and a fixed clock. */
export type HubContext = {
  db: HubDatabase;
  hubName: string;
  /** SHA-256 (hex) of the admin credential: the hub never holds the credential itself. */
  adminTokenHash: string;
  now: () => Date;
  /** Where the content-addressed store lives (hub/content); without it no file can be served. */
  contentDir?: string;
  /** Signs pack manifests; its public key goes to classrooms at enrollment and with every pack list. */
  packSigner: PackSigner;
  /** Failed-attempt counters (enrollment, device tokens, console logins), per address and per code. */
  attempts: HubAttempts;
  /** In-process announcements between modules (sync → live: quiz answers arrived). */
  events?: HubEvents;
};
