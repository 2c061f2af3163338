// What the download manager is doing, for the progress bars and the status line (plain state; commands live in
// app/content-controller.ts).
import { create } from 'zustand';
import type { DownloadStatus } from '../downloads/download-manager.ts';

export const useDownloads = create<DownloadStatus>(() => ({
  phase: 'idle',
  current: null,
  counters: { chunksFetched: 0, corruptChunks: 0, retries: 0, bytesReceived: 0, inFlight: 0 },
  lastError: null,
}));
