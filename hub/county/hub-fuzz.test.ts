// The hub's fuzz test (tests/support/hub-fuzz.ts): every route of the route table, every group of hostile requests,
// against the real hub in a child process. Prints its counts as one JSON line (`npm run bench` reports the same run).
import { describe, expect, it } from 'vitest';
import { runHubFuzz } from '../../tests/support/hub-fuzz.ts';

describe('hub fuzz', () => {
  it('no request stops the hub, opens a guarded route, or is answered outside the error shape', { timeout: 300_000 }, async () => {
    const report = await runHubFuzz();
    process.stdout.write(`${JSON.stringify({ hubFuzz: { ...report, problems: report.problems.length } })}\n`);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ crashes: 0, authBypass: 0, badShape: 0, serverErrors: 0, unanswered: 0, unhealthy: 0 });
    expect(report.routes).toBeGreaterThan(20);
    expect(report.requests).toBeGreaterThan(report.routes * 50);
  });
});
