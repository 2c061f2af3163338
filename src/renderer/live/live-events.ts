// "A live lesson started/stopped" for other modules (the download manager yields bandwidth while live). A tiny typed
// event bus with no React and no imports, so any infrastructure module may subscribe.
export type LiveActivity = { active: boolean; lessonId: string | null };
type Listener = (activity: LiveActivity) => void;

const listeners = new Set<Listener>();
let current: LiveActivity = { active: false, lessonId: null };

/** Calls `listener` on every change (not with the current value: read `liveActivity()` for that). Returns unsubscribe. */
export function onLiveActivity(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function liveActivity(): LiveActivity {
  return current;
}

export function setLiveActivity(next: LiveActivity) {
  if (next.active === current.active && next.lessonId === current.lessonId) return;
  current = next;
  for (const listener of [...listeners]) listener(next);
}
