import { describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import { ipcChannels, type AppInfo, type DeviceIdentity, type IpcChannel, type IpcRequest, type IpcResponse } from '../shared/ipc.ts';
import type { BackupLatest } from '../shared/update-protocol.ts';
import { huge, notUndefined, shellRows, snapshot, updateStatus, type Row } from './ipc-shell-rows.ts';
import { createIpcDispatcher, IpcValidationError, type IpcHandlers } from './ipc-dispatch.ts';
import { hubTrustRows } from './ipc-hub-trust-rows.ts';

const identity: DeviceIdentity = {
  hubUrl: 'http://192.168.1.10:8787',
  deviceId: 'dev_01',
  token: 't'.repeat(48),
  school: { id: 'sch-1', name: '凉山州昭觉县某小学', kind: 'receiving', allianceId: 'alliance-1' },
  classroom: { id: 'cls-1', schoolId: 'sch-1', name: '三年级一班', grade: '3' },
  hubName: '昭觉县教育局 hub',
  enrolledAt: '2025-09-01T08:00:00+08:00',
};

const appInfo: AppInfo = { version: '0.1.0', shell: 'electron', platform: 'win32', versions: { electron: '39.0.0' } };

// One row per channel. Typed as Record<IpcChannel, Row> AND checked at runtime against ipcChannels below, so adding a
// channel to the contract without adding its malformed payloads here (or in ipc-shell-rows.ts) fails both tsc and the test.
const rows: Record<IpcChannel, Row> = {
  'identity:get': { valid: undefined, invalid: notUndefined },
  'identity:clear': { valid: undefined, invalid: notUndefined },
  'app:info': { valid: undefined, invalid: notUndefined },
  'identity:set': {
    valid: identity,
    invalid: [
      ['undefined', undefined],
      ['null', null],
      ['empty object', {}],
      ['array holding a valid identity', [identity]],
      ['string', JSON.stringify(identity)],
      ['number', 42],
      ['missing token', { ...identity, token: undefined }],
      ['missing classroom', { ...identity, classroom: undefined }],
      ['token too short', { ...identity, token: 't'.repeat(31) }],
      ['token huge', { ...identity, token: huge }],
      ['token as number', { ...identity, token: 12345678901234567890123456789012345 }],
      ['hubUrl javascript:', { ...identity, hubUrl: 'javascript:alert(1)' }],
      ['hubUrl file:', { ...identity, hubUrl: 'file:///etc/passwd' }],
      ['hubUrl ftp:', { ...identity, hubUrl: 'ftp://hub.local' }],
      ['hubUrl not a url', { ...identity, hubUrl: 'hub' }],
      ['deviceId with path characters', { ...identity, deviceId: '../../etc' }],
      ['deviceId too long', { ...identity, deviceId: 'd'.repeat(65) }],
      ['deviceId empty', { ...identity, deviceId: '' }],
      ['hubName empty', { ...identity, hubName: '' }],
      ['hubName huge', { ...identity, hubName: huge }],
      ['school kind unknown', { ...identity, school: { ...identity.school, kind: 'other' } }],
      ['school as array', { ...identity, school: [identity.school] }],
      ['classroom name huge', { ...identity, classroom: { ...identity.classroom, name: huge } }],
      ['enrolledAt not a date', { ...identity, enrolledAt: 'yesterday' }],
      ['enrolledAt without time zone', { ...identity, enrolledAt: '2025-09-01T08:00:00' }],
      ['enrolledAt as number', { ...identity, enrolledAt: Date.now() }],
    ],
  },
  'power:keepAwake': {
    valid: { on: true, reason: 'live-lesson' },
    invalid: [
      ['undefined', undefined],
      ['null', null],
      ['empty object', {}],
      ['array', [true, 'live']],
      ['string', 'on'],
      ['boolean', true],
      ['missing reason', { on: true }],
      ['missing on', { reason: 'live' }],
      ['on as string', { on: 'true', reason: 'live' }],
      ['on as number', { on: 1, reason: 'live' }],
      ['on null', { on: null, reason: 'live' }],
      ['reason as number', { on: true, reason: 5 }],
      ['reason as object', { on: true, reason: { toString: 'live' } }],
      ['reason just too long', { on: false, reason: 'r'.repeat(101) }],
      ['reason huge', { on: true, reason: huge }],
    ],
  },
  ...shellRows,
  ...hubTrustRows,
  'edge:discover': { valid: undefined, invalid: notUndefined },
};

function spyHandlers() {
  const handlers = {
    'identity:get': vi.fn((_request: undefined) => Promise.resolve<DeviceIdentity | null>(null)),
    'identity:set': vi.fn((_request: DeviceIdentity) => Promise.resolve(undefined)),
    'identity:clear': vi.fn((_request: undefined) => Promise.resolve(undefined)),
    'app:info': vi.fn((_request: undefined) => Promise.resolve(appInfo)),
    'power:keepAwake': vi.fn((_request: { on: boolean; reason: string }) => Promise.resolve(undefined)),
    'activity:set': vi.fn((_request: IpcRequest<'activity:set'>) => Promise.resolve(undefined)),
    'update:status': vi.fn((_request: undefined) => Promise.resolve(updateStatus)),
    'update:check': vi.fn((_request: undefined) => Promise.resolve(updateStatus)),
    'update:setChannel': vi.fn((_request: IpcRequest<'update:setChannel'>) => Promise.resolve(updateStatus)),
    'update:setWindows': vi.fn((_request: IpcRequest<'update:setWindows'>) => Promise.resolve(updateStatus)),
    'update:fromFolder': vi.fn((_request: IpcRequest<'update:fromFolder'>) => Promise.resolve<IpcResponse<'update:fromFolder'>>({ ok: false, reason: 'hash_mismatch', detail: 'x' })),
    'backup:save': vi.fn((_request: IpcRequest<'backup:save'>) => Promise.resolve({ file: 'backup-1.json', bytes: 10 })),
    'backup:latest': vi.fn((_request: undefined) => Promise.resolve<BackupLatest>({ state: 'found', file: 'backup-1772366400000-0001.json', snapshot })),
    'backup:keep': vi.fn((_request: IpcRequest<'backup:keep'>) => Promise.resolve(undefined)),
    'window:setFullScreen': vi.fn((_request: IpcRequest<'window:setFullScreen'>) => Promise.resolve(undefined)),
    'log:write': vi.fn((_request: IpcRequest<'log:write'>) => Promise.resolve(undefined)),
    'log:recent': vi.fn((_request: undefined) => Promise.resolve({ text: '' })),
    'hub:pinCertificate': vi.fn((_request: IpcRequest<'hub:pinCertificate'>) => Promise.resolve<IpcResponse<'hub:pinCertificate'>>({ ok: false, reason: 'hub_unreachable', detail: 'x' })),
    'hub:certStatus': vi.fn((_request: undefined) => Promise.resolve<IpcResponse<'hub:certStatus'>>({ pinned: null, lastRefusal: null })),
    'edge:discover': vi.fn((_request: undefined) => Promise.resolve<IpcResponse<'edge:discover'>>({ edges: [] })),
  } satisfies IpcHandlers;
  const calls = () => Object.values(handlers).reduce((n, h) => n + h.mock.calls.length, 0);
  return { handlers, calls };
}

describe('IPC dispatcher', () => {
  it('has a test row for every channel of the contract, and none for channels that do not exist', () => {
    expect(Object.keys(rows).sort()).toEqual([...ipcChannels].sort());
    expect(ipcChannels.length).toBeGreaterThan(0);
  });

  describe.each(ipcChannels)('channel %s', (channel) => {
    const row = rows[channel] as Row | undefined;

    it('has malformed payloads listed', () => {
      expect(row, `add a row for ${channel} to the table in ipc-dispatch.test.ts`).toBeDefined();
      expect(row?.invalid.length ?? 0).toBeGreaterThan(0);
    });

    it.each(row?.invalid ?? [])('rejects %s with IpcValidationError before the handler runs', async (_label, payload) => {
      const { handlers, calls } = spyHandlers();
      const dispatch = createIpcDispatcher(handlers);
      const error: unknown = await dispatch(channel, payload).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(IpcValidationError);
      expect((error as Error).message).toContain(`${channel}: invalid request`);
      // The message names the channel and the first issue, never echoes a huge payload back.
      expect((error as Error).message.length).toBeLessThan(1000);
      expect(calls()).toBe(0);
    });

    it('passes a valid payload to exactly its own handler and returns the handler result', async () => {
      const { handlers, calls } = spyHandlers();
      const dispatch = createIpcDispatcher(handlers);
      const result = await dispatch(channel, row?.valid);
      expect(handlers[channel]).toHaveBeenCalledTimes(1);
      expect(handlers[channel]).toHaveBeenCalledWith(row?.valid);
      expect(calls()).toBe(1);
      expect(result).toEqual(await handlers[channel].mock.results[0]?.value);
    });
  });

  it('strips unknown fields, so a handler only ever sees the contract shape', async () => {
    const { handlers } = spyHandlers();
    const dispatch = createIpcDispatcher(handlers);
    const wire: unknown = JSON.parse('{"on":true,"reason":"live","__proto__":{"polluted":true},"extra":"x"}');
    await dispatch('power:keepAwake', wire);
    await dispatch('identity:set', { ...identity, extra: 1, school: { ...identity.school, secret: 'x' } });
    expect(handlers['power:keepAwake'].mock.calls[0]?.[0]).toStrictEqual({ on: true, reason: 'live' });
    expect(Object.keys(handlers['power:keepAwake'].mock.calls[0]?.[0] ?? {})).toEqual(['on', 'reason']);
    expect(handlers['identity:set'].mock.calls[0]?.[0]).toStrictEqual(identity);
  });

  it.each([
    ['an unknown channel', 'identity:delete'],
    ['a namespace only', 'identity'],
    ['a prototype key', '__proto__'],
    ['an inherited key', 'constructor'],
    ['an inherited method', 'hasOwnProperty'],
    ['an empty string', ''],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object', { channel: 'identity:get' }],
  ])('rejects %s as channel', async (_label, channel) => {
    const { handlers, calls } = spyHandlers();
    const dispatch = createIpcDispatcher(handlers);
    await expect(dispatch(channel, undefined)).rejects.toThrow(IpcValidationError);
    await expect(dispatch(channel, undefined)).rejects.toThrow(/unknown IPC channel/);
    expect(calls()).toBe(0);
  });

  it('does not echo a huge unknown channel name back in full', async () => {
    const dispatch = createIpcDispatcher(spyHandlers().handlers);
    const error: unknown = await dispatch('a'.repeat(100_000), undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpcValidationError);
    expect((error as Error).message.length).toBeLessThan(200);
  });

  it('refuses a handler result that breaks the contract instead of passing it to the renderer', async () => {
    const { handlers } = spyHandlers();
    handlers['app:info'].mockResolvedValueOnce({ version: 1 } as unknown as AppInfo);
    handlers['identity:get'].mockResolvedValueOnce({ ...identity, token: 'short' });
    const dispatch = createIpcDispatcher(handlers);
    await expect(dispatch('app:info', undefined)).rejects.toBeInstanceOf(ZodError);
    await expect(dispatch('identity:get', undefined)).rejects.toBeInstanceOf(ZodError);
  });

  it('passes a handler failure through unchanged', async () => {
    const { handlers } = spyHandlers();
    handlers['identity:clear'].mockRejectedValueOnce(new Error('disk full'));
    const dispatch = createIpcDispatcher(handlers);
    await expect(dispatch('identity:clear', undefined)).rejects.toThrow('disk full');
  });
});
