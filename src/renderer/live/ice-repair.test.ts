import { describe, expect, it } from 'vitest';
import { repairIce, type RepairDeps } from './ice-repair.ts';
import { LiveRequestError } from './live-socket.ts';

type Script = { healsAfterGrace?: boolean; restartAnswer?: 'ok' | 'timeout' | 'forbidden'; healsAfterRestart?: boolean; current?: boolean };

function rig(script: Script) {
  const calls: string[] = [];
  const transport = {
    id: 't1',
    connectionState: 'disconnected',
    restartIce: async () => {
      calls.push('transport.restartIce');
      if (script.healsAfterRestart) transport.connectionState = 'connected';
      return Promise.resolve();
    },
  };
  const deps: RepairDeps = {
    transport,
    // A fake socket that only knows restartIce, the one request a repair makes.
    socket: {
      request: (method: string) => {
        calls.push(`request ${method}`);
        if (script.restartAnswer === 'timeout') return Promise.reject(new LiveRequestError('timeout', 'no answer'));
        if (script.restartAnswer === 'forbidden') return Promise.reject(new LiveRequestError('not_found', 'transport gone'));
        return Promise.resolve({ iceParameters: { usernameFragment: 'u', password: 'p' } });
      },
    } as unknown as RepairDeps['socket'],
    current: () => script.current ?? true,
    recreateTransport: () => {
      calls.push('recreate');
      return Promise.resolve();
    },
    restartSocket: () => calls.push('restartSocket'),
    sleep: async () => {
      if (script.healsAfterGrace && calls.length === 0) transport.connectionState = 'connected';
      return Promise.resolve();
    },
  };
  return { deps, calls };
}

describe('repairIce', () => {
  it.each([
    ['heals alone within the grace period: nothing else is done', { healsAfterGrace: true }, 'healed', []],
    ['restartIce brings it back', { restartAnswer: 'ok', healsAfterRestart: true }, 'iceRestarted', ['request restartIce', 'transport.restartIce']],
    ['restartIce is not enough: a new transport', { restartAnswer: 'ok' }, 'transportRecreated', ['request restartIce', 'transport.restartIce', 'recreate']],
    ['the hub no longer knows the transport: a new one', { restartAnswer: 'forbidden' }, 'transportRecreated', ['request restartIce', 'recreate']],
    ['signalling does not answer either: a new socket', { restartAnswer: 'timeout' }, 'socketRestarted', ['request restartIce', 'restartSocket']],
    ['a newer connection took over: leave it alone', { current: false }, 'abandoned', []],
  ] as const)('%s', async (_name, script, outcome, calls) => {
    const r = rig(script);
    expect(await repairIce(r.deps)).toBe(outcome);
    expect(r.calls).toEqual(calls);
  });
});
