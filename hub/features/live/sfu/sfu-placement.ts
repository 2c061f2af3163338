// Where the SFU puts things, as pure decisions over counts (table-tested): a new lesson's router goes to the least
// loaded worker; a viewer goes to the first of its lesson's routers that is under the per-router limit, else to a new
// router (fed by pipeToRouter) on the least loaded worker that does not yet carry the lesson.

export type WorkerLoad = {
  index: number;
  /** Consumers on the worker's routers (viewers' media, pipes, recorder): what costs a worker CPU as a lesson grows. */
  consumers: number;
  routers: number;
  /** A worker being replaced after it died takes nothing new. */
  alive: boolean;
};

/** Fewest consumers, then fewest routers, then the lowest index (stable, so tests and logs read alike). */
export function leastLoadedWorker(workers: readonly WorkerLoad[], exclude: ReadonlySet<number> = new Set()): number | null {
  const candidates = workers.filter((w) => w.alive && !exclude.has(w.index));
  candidates.sort((a, b) => a.consumers - b.consumers || a.routers - b.routers || a.index - b.index);
  return candidates[0]?.index ?? null;
}

/** One of a lesson's routers: the origin (index 0, where the broadcast arrives) or a fan-out copy on another worker. */
export type LessonRouterLoad = { workerIndex: number; viewers: number };

export type ViewerPlacement = { kind: 'existing'; router: number } | { kind: 'new'; workerIndex: number };

export function placeViewer(routers: readonly LessonRouterLoad[], workers: readonly WorkerLoad[], viewersPerRouter: number): ViewerPlacement {
  const open = routers.findIndex((r) => r.viewers < viewersPerRouter);
  if (open >= 0) return { kind: 'existing', router: open };
  const worker = leastLoadedWorker(workers, new Set(routers.map((r) => r.workerIndex)));
  if (worker !== null) return { kind: 'new', workerIndex: worker };
  // Every worker already carries the lesson: past the limit rather than refuse a classroom, on the emptiest router.
  let fewest = 0;
  routers.forEach((r, i) => {
    if (r.viewers < (routers[fewest]?.viewers ?? Infinity)) fewest = i;
  });
  return { kind: 'existing', router: fewest };
}
