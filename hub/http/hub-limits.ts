// The hub's limits on failed attempts, in one place so README and tests can name them. Enrollment codes are the weak
// secret (8 characters from 32, typed on a touch board); device tokens (256 bits) and the admin credential cannot be
// guessed, so their limits only keep a noisy or hostile machine from costing the hub work and filling its log.
import { createAttemptLimiter, type AttemptLimit, type AttemptLimiter } from './attempt-limiter.ts';
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
};

export const defaultHubLimits: HubLimits = {
  enrollPerAddress: { maxFailures: 10, windowMs: 15 * MINUTE },
  enrollPerCode: { maxFailures: 10, windowMs: 15 * MINUTE },
  // A classroom whose token the hub no longer knows fails once per sync (every minute, with backoff): a school of
  // 30 PCs behind one address must not lock itself out before the PCs show 重新注册.
  deviceAuthPerAddress: { maxFailures: 60, windowMs: 10 * MINUTE },
  consoleLoginPerAddress: { maxFailures: 10, windowMs: 15 * MINUTE },
  consoleLoginPerLesson: { maxFailures: 20, windowMs: 15 * MINUTE },
};

export type HubAttempts = { [K in keyof HubLimits]: AttemptLimiter };

export function createHubAttempts(limits: HubLimits, now: () => Date): HubAttempts {
  const ms = () => now().getTime();
  return {
    enrollPerAddress: createAttemptLimiter(limits.enrollPerAddress, ms),
    enrollPerCode: createAttemptLimiter(limits.enrollPerCode, ms),
    deviceAuthPerAddress: createAttemptLimiter(limits.deviceAuthPerAddress, ms),
    consoleLoginPerAddress: createAttemptLimiter(limits.consoleLoginPerAddress, ms),
    consoleLoginPerLesson: createAttemptLimiter(limits.consoleLoginPerLesson, ms),
  };
}

/** Throws `rate_limited` (429, Retry-After) when any of the keys has failed too often. */
export function refuseIfLimited(checks: [AttemptLimiter, string][], what: string): void {
  const waitMs = Math.max(0, ...checks.map(([limiter, key]) => limiter.retryAfterMs(key)));
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    throw new HubError('rate_limited', `too many failed ${what}; try again in ${seconds} s`, seconds);
  }
}
