// The main-process implementation of DesktopApi. Dependencies come in as parameters (identity store, power blocker),
// so the whole surface runs under Node in tests; electron-main.ts passes the real ones.
import type { AppInfo } from '../shared/ipc.ts';
import type { IpcHandlers } from './ipc-dispatch.ts';
import type { createIdentityFileStore } from './identity-file-store.ts';

export type PowerBlocker = { start(): number; stop(id: number): void };

export type MainDeps = {
  identity: ReturnType<typeof createIdentityFileStore>;
  power: PowerBlocker;
  appInfo: () => AppInfo;
};

export type CoreChannel = 'identity:get' | 'identity:set' | 'identity:clear' | 'app:info' | 'power:keepAwake';

export function createIpcHandlers({ identity, power, appInfo }: MainDeps): Pick<IpcHandlers, CoreChannel> {
  const holders = new Set<string>();
  let blockerId: number | null = null;
  return {
    'identity:get': () => identity.get(),
    'identity:set': async (value) => {
      await identity.set(value);
      return undefined;
    },
    'identity:clear': async () => {
      await identity.clear();
      return undefined;
    },
    'app:info': () => Promise.resolve(appInfo()),
    'power:keepAwake': ({ on, reason }) => {
      // Several players may ask at once (live + recording); keep the blocker while any of them holds it.
      if (on) holders.add(reason);
      else holders.delete(reason);
      if (holders.size > 0 && blockerId === null) blockerId = power.start();
      if (holders.size === 0 && blockerId !== null) {
        power.stop(blockerId);
        blockerId = null;
      }
      return Promise.resolve(undefined);
    },
  };
}
