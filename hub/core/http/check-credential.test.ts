// The one credential check (hub-limits.ts checkCredential), table-tested with in-memory counters and a fake clock: the
// caller's own counters refuse before the secret is looked at; shared counters (a lesson, a code) never refuse a
// correct credential, however many strangers failed.
import { describe, expect, it } from 'vitest';
import { createAttemptLimiter } from './attempt-limiter.ts';
import { HubError } from './hub-error.ts';
import { checkCredential } from './hub-limits.ts';
import { inMemory } from './store-attempt-limiter.ts';

const LIMIT = { maxFailures: 3, windowMs: 60_000 };
const RIGHT = 'right-secret';

function setup() {
  const t = 0;
  const perAddress = inMemory(createAttemptLimiter(LIMIT, () => t));
  const perLesson = inMemory(createAttemptLimiter(LIMIT, () => t));
  let evaluated = 0;
  const login = async (address: string, secret: string) => {
    try {
      await checkCredential('console logins', { own: [[perAddress, address]], shared: [[perLesson, 'lesson-1']] }, async () => {
        evaluated++;
        if (secret !== RIGHT) throw new HubError('unauthorized', 'console credential required');
      });
      return 'ok';
    } catch (error) {
      return error instanceof HubError ? error.code : 'thrown';
    }
  };
  return { login, evaluated: () => evaluated };
}

describe('checkCredential', () => {
  it.each([
    { case: 'failures of strangers on the shared key', failures: Array.from({ length: 20 }, (_, i) => `10.0.0.${i}`), then: '10.0.1.1', right: 'ok', wrong: 'rate_limited' },
    { case: 'failures of the caller’s own address', failures: ['10.0.0.1', '10.0.0.1', '10.0.0.1'], then: '10.0.0.1', right: 'rate_limited', wrong: 'rate_limited' },
    { case: 'a few failures, under both limits', failures: ['10.0.0.1', '10.0.0.2'], then: '10.0.0.3', right: 'ok', wrong: 'unauthorized' },
  ])('after $case: the right credential is $right, a wrong one $wrong', async ({ failures, then, right, wrong }) => {
    const { login } = setup();
    for (const address of failures) await login(address, 'guess');
    expect(await login(then, RIGHT)).toBe(right);
    expect(await login(then, 'guess')).toBe(wrong);
  });

  it('an address over its own limit is refused before the secret is evaluated', async () => {
    const { login, evaluated } = setup();
    for (let i = 0; i < 3; i++) await login('10.0.0.1', 'guess');
    const before = evaluated();
    expect(await login('10.0.0.1', RIGHT)).toBe('rate_limited');
    expect(evaluated()).toBe(before);
  });

  it('a throw that is not a failed attempt (revoked, a bug) is not counted and passes through', async () => {
    const t = 0;
    const counter = inMemory(createAttemptLimiter({ maxFailures: 1, windowMs: 1000 }, () => t));
    const revoked = () => checkCredential('x', { own: [[counter, 'a']] }, async () => Promise.reject(new HubError('device_revoked', 'revoked')));
    await expect(revoked()).rejects.toMatchObject({ code: 'device_revoked' });
    await expect(revoked()).rejects.toMatchObject({ code: 'device_revoked' });
  });
});
