import { describe, expect, it, vi } from 'vitest';
import type { AppInfo, DeviceIdentity } from '../shared/ipc.ts';
import { createIpcHandlers, type MainDeps, type PowerBlocker } from './ipc-handlers.ts';

const identity: DeviceIdentity = {
  hubUrl: 'http://192.168.1.10:8787',
  deviceId: 'dev_01',
  token: 't'.repeat(48),
  school: { id: 'sch-1', name: '某小学', kind: 'receiving', allianceId: 'alliance-1' },
  classroom: { id: 'cls-1', schoolId: 'sch-1', name: '三年级一班', grade: '3' },
  hubName: 'hub',
  enrolledAt: '2025-09-01T08:00:00+08:00',
};

const appInfo: AppInfo = { version: '0.1.0', shell: 'electron', platform: 'win32', versions: { electron: '39.0.0' } };

function setup() {
  let nextId = 100;
  const power = {
    start: vi.fn(() => nextId++),
    stop: vi.fn((_id: number) => undefined),
  } satisfies PowerBlocker;
  const store = {
    get: vi.fn(() => Promise.resolve<DeviceIdentity | null>(identity)),
    set: vi.fn((_identity: DeviceIdentity) => Promise.resolve()),
    clear: vi.fn(() => Promise.resolve()),
  } satisfies MainDeps['identity'];
  const handlers = createIpcHandlers({ identity: store, power, appInfo: () => appInfo });
  const keepAwake = (on: boolean, reason: string) => handlers['power:keepAwake']({ on, reason });
  return { handlers, power, store, keepAwake };
}

describe('power:keepAwake reference counting', () => {
  it('stays awake until the last of two holders releases', async () => {
    const { power, keepAwake } = setup();
    await keepAwake(true, 'live');
    await keepAwake(true, 'recording');
    expect(power.start).toHaveBeenCalledTimes(1);

    await keepAwake(false, 'live');
    expect(power.stop).not.toHaveBeenCalled();

    await keepAwake(false, 'recording');
    expect(power.stop).toHaveBeenCalledTimes(1);
    expect(power.stop).toHaveBeenCalledWith(100); // the id start() returned
  });

  it('counts holders by reason: asking twice for the same reason needs one release', async () => {
    const { power, keepAwake } = setup();
    await keepAwake(true, 'live');
    await keepAwake(true, 'live');
    expect(power.start).toHaveBeenCalledTimes(1);
    await keepAwake(false, 'live');
    expect(power.stop).toHaveBeenCalledTimes(1);
  });

  it('ignores a release nobody asked for, and does not stop for a stranger while a holder remains', async () => {
    const { power, keepAwake } = setup();
    await keepAwake(false, 'nobody');
    expect(power.start).not.toHaveBeenCalled();
    expect(power.stop).not.toHaveBeenCalled();

    await keepAwake(true, 'live');
    await keepAwake(false, 'nobody');
    expect(power.stop).not.toHaveBeenCalled();
  });

  it('starts a fresh blocker after a full release, and stops that one', async () => {
    const { power, keepAwake } = setup();
    await keepAwake(true, 'live');
    await keepAwake(false, 'live');
    await keepAwake(true, 'live');
    expect(power.start).toHaveBeenCalledTimes(2);
    await keepAwake(false, 'live');
    expect(power.stop.mock.calls).toEqual([[100], [101]]);
  });

  it('resolves to undefined (the contract response)', async () => {
    const { keepAwake } = setup();
    await expect(keepAwake(true, 'live')).resolves.toBeUndefined();
  });
});

describe('identity and app handlers', () => {
  it('identity:get returns what the store holds', async () => {
    const { handlers, store } = setup();
    await expect(handlers['identity:get'](undefined)).resolves.toEqual(identity);
    store.get.mockResolvedValueOnce(null);
    await expect(handlers['identity:get'](undefined)).resolves.toBeNull();
  });

  it('identity:set writes through to the store and resolves to undefined', async () => {
    const { handlers, store } = setup();
    await expect(handlers['identity:set'](identity)).resolves.toBeUndefined();
    expect(store.set).toHaveBeenCalledWith(identity);
  });

  it('identity:set reports a store failure', async () => {
    const { handlers, store } = setup();
    store.set.mockRejectedValueOnce(new Error('EACCES'));
    await expect(handlers['identity:set'](identity)).rejects.toThrow('EACCES');
  });

  it('identity:clear clears the store', async () => {
    const { handlers, store } = setup();
    await expect(handlers['identity:clear'](undefined)).resolves.toBeUndefined();
    expect(store.clear).toHaveBeenCalledTimes(1);
  });

  it('app:info returns the injected app info', async () => {
    const { handlers } = setup();
    await expect(handlers['app:info'](undefined)).resolves.toEqual(appInfo);
  });
});
