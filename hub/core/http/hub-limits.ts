// The hub's limits on failed attempts, in one place so README and tests can name them. Enrollment codes are the weak
// secret (8 characters from 32, typed on a touch board); device tokens (256 bits) and the admin credential cannot be
// guessed, so their limits only keep a noisy or hostile machine from costing the hub work and filling its log.
import type { SqlDb } from '../db/sql-db.ts';
import { createAttemptLimiter, type AttemptLimit } from './attempt-limiter.ts';
import { inMemory, storeAttemptLimiter, type AttemptCounter } from './store-attempt-limiter.ts';
import { HubError } from './hub-error.ts';

const MINUTE = 60_000;

export type HubLimits = {
  /** Wrong, expired or used enrollment codes from one address. */
  enrollPerAddress: AttemptLimit;
  /** Refused attempts on one code (e.g. a script retrying an expired code from many PCs). */
  enrollPerCode: AttemptLimit;
  /** Requests with a missing or unknown device token from one address (a revoked device is not a guess). */
  deviceAuthPerAddress: AttemptLimit;
  /** Wrong console credentials (live lead console login) from one address, and on one lesson. */
  consoleLoginPerAddress: AttemptLimit;
  consoleLoginPerLesson: AttemptLimit;
  /** Wrong cluster secrets (another hub node's calls) from one address. */
  clusterAuthPerAddress: AttemptLimit;
  /** Wrong staff passwords (report sign-in) per account AND address: others' failures never lock out a right password. */
  staffLoginPerAccountAddress: AttemptLimit;
  /** Requests with a missing, unknown or expired staff session cookie from one address. */
  staffSessionPerAddress: AttemptLimit;
};

export const defaultHubLimits: HubLimits = {
  enrollPerAddress: { maxFailures: 10, windowMs: 15 * MINUTE },
  enrollPerCode: { maxFailures: 10, windowMs: 15 * MINUTE },
  // A classroom whose token the hub no longer knows fails once per sync (every minute, with backoff): a school of
  // 30 PCs behind one address must not lock itself out before the PCs show 重新注册.
  deviceAuthPerAddress: { maxFailures: 60, windowMs: 10 * MINUTE },
  consoleLoginPerAddress: { maxFailures: 10, windowMs: 15 * MINUTE },
  consoleLoginPerLesson: { maxFailures: 20, windowMs: 15 * MINUTE },
  clusterAuthPerAddress: { maxFailures: 10, windowMs: 15 * MINUTE },
  staffLoginPerAccountAddress: { maxFailures: 5, windowMs: 15 * MINUTE },
  // A school's staff behind one address reloading a page after their session ran out must not lock each other out.
  staffSessionPerAddress: { maxFailures: 60, windowMs: 10 * MINUTE },
};

export type HubAttempts = { [K in keyof HubLimits]: AttemptCounter };

/**
 * On PostgreSQL (several hub nodes share it) the counters live in the store, so a limit reached through one node holds
 * on the others; on SQLite (one hub process) they stay in memory, where they cost nothing.
 */
export function createHubAttempts(limits: HubLimits, now: () => Date, db?: SqlDb): HubAttempts {
  const ms = () => now().getTime();
  const make = (name: keyof HubLimits) =>
    db?.dialect === 'postgres' ? storeAttemptLimiter(db, name, limits[name], ms) : inMemory(createAttemptLimiter(limits[name], ms));
  return {
    enrollPerAddress: make('enrollPerAddress'),
    enrollPerCode: make('enrollPerCode'),
    deviceAuthPerAddress: make('deviceAuthPerAddress'),
    consoleLoginPerAddress: make('consoleLoginPerAddress'),
    consoleLoginPerLesson: make('consoleLoginPerLesson'),
    clusterAuthPerAddress: make('clusterAuthPerAddress'),
    staffLoginPerAccountAddress: make('staffLoginPerAccountAddress'),
    staffSessionPerAddress: make('staffSessionPerAddress'),
  };
}

export type LimitChecks = [AttemptCounter, string][];

const waitOf = async (checks: LimitChecks) => Math.max(0, ...(await Promise.all(checks.map(([limiter, key]) => limiter.retryAfterMs(key)))));

function limited(waitMs: number, what: string): HubError {
  const seconds = Math.ceil(waitMs / 1000);
  return new HubError('rate_limited', `too many failed ${what}; try again in ${seconds} s`, seconds);
}

/** Throws `rate_limited` (429, Retry-After) when any of the keys has failed too often. */
export async function refuseIfLimited(checks: LimitChecks, what: string): Promise<void> {
  const waitMs = await waitOf(checks);
  if (waitMs > 0) throw limited(waitMs, what);
}

const isUnauthorized = (error: unknown) => error instanceof HubError && error.code === 'unauthorized';

/**
 * Every credential the hub checks goes through here (the route-table test walks every route to prove it).
 * `own`: counters only the caller fills (its address, the edge relaying for it) — checked BEFORE the secret, so a
 * guesser past its limit costs nothing. `shared`: counters strangers fill too (one lesson's console, one enrollment
 * code) — they never refuse a correct credential, only a wrong one (answered `rate_limited` once over), so nobody can
 * lock the right person out with their own failures. `verify` answers the credential's subject or throws; a throw
 * `isFailure` accepts is a failed attempt (a revoked device, say, is thrown by the caller after verify and not counted).
 */
export async function checkCredential<T>(
  what: string,
  limits: { own: LimitChecks; shared?: LimitChecks },
  verify: () => Promise<T>,
  isFailure: (error: unknown) => boolean = isUnauthorized,
): Promise<T> {
  await refuseIfLimited(limits.own, what);
  try {
    return await verify();
  } catch (error) {
    if (!isFailure(error)) throw error;
    const shared = limits.shared ?? [];
    const sharedWaitMs = await waitOf(shared);
    for (const [limiter, key] of [...limits.own, ...shared]) await limiter.recordFailure(key);
    if (sharedWaitMs > 0) throw limited(sharedWaitMs, what);
    throw error;
  }
}
