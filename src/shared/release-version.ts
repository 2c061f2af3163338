// Release versions under electron-updater's own rules: it parses latest.yml's version with the `semver` package
// (strict, not loose) and offers a release only when it is greater than the running version. Using the same package
// (the copy electron-updater resolves) means a version we accept is one it accepts, and the reverse.
import { compare, parse } from 'semver';

export type VersionRefusal = 'invalid_version' | 'same_version' | 'downgrade';

export type VersionCheck = { ok: true } | { ok: false; reason: VersionRefusal; detail: string };

/** Whether `offered` may replace `current`: a valid semver, strictly newer (no downgrade, no reinstall). */
export function checkReleaseVersion(offered: string, current: string): VersionCheck {
  const next = parse(offered);
  if (!next) return { ok: false, reason: 'invalid_version', detail: `"${offered.slice(0, 60)}" is not a semver version electron-updater accepts` };
  const running = parse(current);
  // A running version that is not semver would make electron-updater refuse every update; say so rather than guess.
  if (!running) return { ok: false, reason: 'invalid_version', detail: `the running version "${current.slice(0, 60)}" is not semver` };
  const order = compare(next, running);
  if (order === 0) return { ok: false, reason: 'same_version', detail: `${next.version} is the version already installed` };
  if (order < 0) return { ok: false, reason: 'downgrade', detail: `${next.version} is older than the installed ${running.version}` };
  return { ok: true };
}

/** The version as electron-updater reads it, or null when it would refuse it. */
export function validReleaseVersion(version: string): string | null {
  return parse(version)?.version ?? null;
}

/** semver order of two valid versions (negative, 0, positive). */
export function compareVersions(a: string, b: string): number {
  return compare(a, b);
}
