import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { ipcChannels, splitChannel, type DesktopApi, type DeviceIdentity } from '../shared/ipc.ts';
import { buildDesktopApi } from './build-desktop-api.ts';

function build() {
  const invoke = vi.fn((channel: string, request: unknown) => Promise.resolve({ echoed: channel, request }));
  const api = buildDesktopApi(invoke);
  // Walk the object the way the renderer sees it over contextBridge: plain nested records of functions.
  const tree = api as unknown as Record<string, Record<string, unknown>>;
  return { invoke, api, tree };
}

describe('buildDesktopApi', () => {
  it('has exactly one function per IPC channel, grouped by namespace', () => {
    const { tree } = build();
    const built = Object.entries(tree).flatMap(([ns, verbs]) => Object.keys(verbs).map((verb) => `${ns}:${verb}`));
    expect(built.sort()).toEqual([...ipcChannels].sort());
    for (const [, verbs] of Object.entries(tree)) {
      for (const fn of Object.values(verbs)) expect(typeof fn).toBe('function');
    }
  });

  it('has no namespace without a channel', () => {
    const { tree } = build();
    expect(Object.keys(tree).sort()).toEqual([...new Set(ipcChannels.map((c) => splitChannel(c)[0]))].sort());
  });

  it.each(ipcChannels)('%s calls invoke with its own channel name and the request, and returns the reply', async (channel) => {
    const { invoke, tree } = build();
    const [ns, verb] = splitChannel(channel);
    const fn = tree[ns]?.[verb] as (request?: unknown) => Promise<unknown>;
    const request = { marker: channel };
    await expect(fn(request)).resolves.toEqual({ echoed: channel, request });
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(invoke).toHaveBeenCalledWith(channel, request);
  });

  it('passes undefined when called without an argument', async () => {
    const { invoke, api } = build();
    await api.identity.get();
    expect(invoke).toHaveBeenCalledWith('identity:get', undefined);
  });

  it('forwards a rejection from invoke (main refused the call)', async () => {
    const invoke = vi.fn(() => Promise.reject(new Error('identity:set: invalid request')));
    const api = buildDesktopApi(invoke);
    await expect(api.identity.set({} as DeviceIdentity)).rejects.toThrow('invalid request');
  });

  it('matches the DesktopApi type derived from the contract', () => {
    const { api } = build();
    expectTypeOf(api).toEqualTypeOf<DesktopApi>();
    expectTypeOf(api.power.keepAwake).parameter(0).toEqualTypeOf<{ on: boolean; reason: string }>();
    expectTypeOf(api.identity.get).returns.resolves.toEqualTypeOf<DeviceIdentity | null>();
    expectTypeOf(api.identity.set).parameter(0).toEqualTypeOf<DeviceIdentity>();
  });
});
