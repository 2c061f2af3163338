import { describe, expect, it } from 'vitest';
import { leastLoadedWorker, placeViewer, type WorkerLoad } from './sfu-placement.ts';

const w = (index: number, consumers: number, routers = 0, alive = true): WorkerLoad => ({ index, consumers, routers, alive });

describe('leastLoadedWorker', () => {
  it.each([
    { name: 'fewest consumers', workers: [w(0, 50), w(1, 10), w(2, 30)], exclude: [], want: 1 },
    { name: 'ties on consumers go to fewer routers', workers: [w(0, 10, 3), w(1, 10, 1)], exclude: [], want: 1 },
    { name: 'full ties go to the lowest index', workers: [w(0, 0), w(1, 0)], exclude: [], want: 0 },
    { name: 'a dead worker takes nothing', workers: [w(0, 0, 0, false), w(1, 99)], exclude: [], want: 1 },
    { name: 'excluded workers are skipped', workers: [w(0, 0), w(1, 5), w(2, 9)], exclude: [0, 1], want: 2 },
    { name: 'none left', workers: [w(0, 0)], exclude: [0], want: null },
  ])('$name', ({ workers, exclude, want }) => {
    expect(leastLoadedWorker(workers, new Set(exclude))).toBe(want);
  });
});

describe('placeViewer', () => {
  const workers = [w(0, 400), w(1, 20), w(2, 5)];
  it.each([
    { name: 'the origin while under the limit', routers: [{ workerIndex: 0, viewers: 3 }], want: { kind: 'existing', router: 0 } },
    { name: 'a full origin: a new router on the least loaded other worker', routers: [{ workerIndex: 0, viewers: 4 }], want: { kind: 'new', workerIndex: 2 } },
    {
      name: 'the first fan-out router with room',
      routers: [{ workerIndex: 0, viewers: 4 }, { workerIndex: 2, viewers: 1 }],
      want: { kind: 'existing', router: 1 },
    },
    {
      name: 'all full: the next worker that does not carry the lesson',
      routers: [{ workerIndex: 0, viewers: 4 }, { workerIndex: 2, viewers: 4 }],
      want: { kind: 'new', workerIndex: 1 },
    },
    {
      name: 'every worker carries the lesson and all are full: the emptiest router, past the limit',
      routers: [{ workerIndex: 0, viewers: 6 }, { workerIndex: 2, viewers: 4 }, { workerIndex: 1, viewers: 5 }],
      want: { kind: 'existing', router: 1 },
    },
    {
      name: 'a room left by viewers is filled again before a new router is made',
      routers: [{ workerIndex: 0, viewers: 2 }, { workerIndex: 2, viewers: 4 }],
      want: { kind: 'existing', router: 0 },
    },
  ])('$name', ({ routers, want }) => {
    expect(placeViewer(routers, workers, 4)).toEqual(want);
  });

  it('never places on a dead worker', () => {
    expect(placeViewer([{ workerIndex: 0, viewers: 4 }], [w(0, 0), w(1, 0, 0, false), w(2, 1)], 4)).toEqual({ kind: 'new', workerIndex: 2 });
  });
});
