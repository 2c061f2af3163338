// 二次备课 pause points: the teacher's notes say "stop at 12:30". Playback stops when it crosses a point while playing
// forward in small steps; a seek past a point (a jump of more than `maxStep` seconds) does not stop it.

export function crossedPausePoint(previous: number, current: number, points: readonly number[], maxStep = 1.5): number | null {
  if (current <= previous || current - previous > maxStep) return null;
  const hit = points.filter((p) => p > previous && p <= current);
  return hit.length ? Math.min(...hit) : null;
}
