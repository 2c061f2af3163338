// Who this device is (from the desktop bridge) and which top-level screen shows. Plain state only.
import { create } from 'zustand';
import type { DeviceIdentity } from '../../shared/ipc.ts';

export type SessionState = {
  ready: boolean;
  identity: DeviceIdentity | null;
  /** IT opened enrollment again (e.g. after a revoke) while cached data stays visible behind it. */
  enrolling: boolean;
};

export const useSession = create<SessionState>(() => ({ ready: false, identity: null, enrolling: false }));
