// What one device (one classroom's token) may hold on a hub or an edge at once: a few live sockets (a lesson, plus a
// reconnect or two whose old socket the ping has not yet found dead) and a small number of return cameras. A device
// token that leaked, or a client in a reconnect loop, cannot fill the SFU with transports or the lead console with
// cameras. Extra ones are refused by name; what the device already holds is not touched.
import { LiveRefusal } from './live-refusal.ts';

export const MAX_LIVE_SOCKETS_PER_DEVICE = 4;
/** Two, not one: a classroom that reconnects produces its camera again before the hub has found its old socket dead. */
export const MAX_RETURN_CAMERAS_PER_DEVICE = 2;

export type DeviceLiveLimits = {
  /** Counts a joined socket of the device; returns what gives it back (once, whatever calls it). */
  claimSocket(deviceId: string): () => void;
  /** Counts a return-camera producer of the device; returns what gives it back. */
  claimReturnCamera(deviceId: string): () => void;
  /** Held now (tests, status). */
  held(deviceId: string): { sockets: number; cameras: number };
};

export function deviceLiveLimits(caps = { sockets: MAX_LIVE_SOCKETS_PER_DEVICE, cameras: MAX_RETURN_CAMERAS_PER_DEVICE }): DeviceLiveLimits {
  const sockets = new Map<string, number>();
  const cameras = new Map<string, number>();
  const claim = (counts: Map<string, number>, deviceId: string, cap: number, refuse: () => LiveRefusal) => {
    const n = counts.get(deviceId) ?? 0;
    if (n >= cap) throw refuse();
    counts.set(deviceId, n + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (counts.get(deviceId) ?? 1) - 1;
      if (left <= 0) counts.delete(deviceId);
      else counts.set(deviceId, left);
    };
  };
  return {
    claimSocket: (deviceId) =>
      claim(sockets, deviceId, caps.sockets, () => new LiveRefusal('live_socket_limit', `this device already has ${caps.sockets} live connections open; close one (or wait ~30 s for a lost one to be dropped)`)),
    claimReturnCamera: (deviceId) =>
      claim(cameras, deviceId, caps.cameras, () => new LiveRefusal('return_camera_limit', `this device already sends ${caps.cameras} cameras; close one first`)),
    held: (deviceId) => ({ sockets: sockets.get(deviceId) ?? 0, cameras: cameras.get(deviceId) ?? 0 }),
  };
}
