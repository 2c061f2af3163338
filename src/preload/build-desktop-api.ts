import { ipcChannels, splitChannel, type DesktopApi } from '../shared/ipc.ts';

/** Builds `{ identity: { get, set, … }, … }` from the channel list, so a new channel needs no preload change. */
export function buildDesktopApi(invoke: (channel: string, request: unknown) => Promise<unknown>): DesktopApi {
  const api: Record<string, Record<string, (request?: unknown) => Promise<unknown>>> = {};
  for (const channel of ipcChannels) {
    const [ns, verb] = splitChannel(channel);
    (api[ns] ??= {})[verb] = (request?: unknown) => invoke(channel, request);
  }
  // The shape matches DesktopApi by construction from the same contract (checked in build-desktop-api.test.ts).
  return api as unknown as DesktopApi;
}
