// IPC for the hub's certificate pin: probing and pinning before enrollment, the pin kept with the identity (so a restart
// pins it again, and re-enrolling or clearing replaces it), and the last refused connection for the 管理员 page.
import type { DeviceIdentity, HubCertStatus, HubPinResult } from '../shared/ipc.ts';
import type { PinStore } from './cert-pin.ts';
import type { IpcHandlers } from './ipc-dispatch.ts';
import type { ProbeResult } from './hub-cert-probe.ts';

export type HubTrustChannel = 'hub:pinCertificate' | 'hub:certStatus';

export type IdentityStore = { get(): Promise<DeviceIdentity | null>; set(identity: DeviceIdentity): Promise<void>; clear(): Promise<void> };

export type CertRefusalLog = { record(host: string, presented: string, at: Date): void; last(): HubCertStatus['lastRefusal'] };

export function createCertRefusalLog(): CertRefusalLog {
  let last: HubCertStatus['lastRefusal'] = null;
  return {
    record: (host, presented, at) => void (last = { host: host.slice(0, 300), presented: presented.slice(0, 100), at: at.toISOString() }),
    last: () => last,
  };
}

/** The identity store, keeping the pin store in step: what is pinned is what the stored identity names. */
export function pinningIdentityStore(identity: IdentityStore, pins: PinStore): IdentityStore {
  return {
    get: () => identity.get(),
    async set(next) {
      const previous = await identity.get();
      await identity.set(next);
      if (previous?.hubCertSha256) pins.unpin(previous.hubUrl);
      if (next.hubCertSha256) pins.pin(next.hubUrl, next.hubCertSha256);
    },
    async clear() {
      const previous = await identity.get();
      await identity.clear();
      if (previous?.hubCertSha256) pins.unpin(previous.hubUrl);
    },
  };
}

export function createHubTrustHandlers(deps: {
  pins: PinStore;
  probe: (hubUrl: string, fingerprint: string) => Promise<ProbeResult>;
  identity: IdentityStore;
  refusals: CertRefusalLog;
}): Pick<IpcHandlers, HubTrustChannel> {
  return {
    'hub:pinCertificate': async ({ hubUrl, fingerprint }): Promise<HubPinResult> => {
      const result = await deps.probe(hubUrl, fingerprint);
      if (!result.ok) return { ok: false, reason: result.reason, detail: result.detail.slice(0, 500), ...('presented' in result ? { presented: result.presented } : {}) };
      // Pinned now, so the renderer's enrollment request reaches this hub; kept by identity:set once enrolled.
      deps.pins.pin(hubUrl, result.fingerprint);
      return { ok: true, fingerprint: result.fingerprint };
    },
    'hub:certStatus': async () => ({ pinned: (await deps.identity.get())?.hubCertSha256 ?? null, lastRefusal: deps.refusals.last() }),
  };
}
