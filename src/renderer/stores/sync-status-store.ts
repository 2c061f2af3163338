// What the status bar shows about the link to the hub. Plain serialisable state; the sync loop is its only writer.
import { create } from 'zustand';
import type { HubFailureReason } from '../sync/hub-client.ts';

export type SyncPhase = 'idle' | 'syncing' | 'synced' | 'offline' | 'error' | 'revoked';

export type SyncStatus = {
  phase: SyncPhase;
  /** ISO time of the last successful sync, kept across reloads (from the local DB). */
  lastSyncAt: string | null;
  /** Named reason of the last failure, localised by the UI. */
  lastError: { code: HubFailureReason; detail: string } | null;
};

export const useSyncStatus = create<SyncStatus>(() => ({ phase: 'idle', lastSyncAt: null, lastError: null }));

export function setSyncStatus(patch: Partial<SyncStatus>): void {
  useSyncStatus.setState(patch);
}
