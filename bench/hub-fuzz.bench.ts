// Hub fuzz figures: the same run as the fuzz test in `npm test` (tests/support/hub-fuzz.ts) — requests sent at every
// route of the route table, crashes and authorisation bypasses (both must be 0), and the hub process's peak memory.
import { runHubFuzz } from '../tests/support/hub-fuzz.ts';

export async function run(): Promise<Record<string, number>> {
  const report = await runHubFuzz({ log: (line) => console.error(line) });
  return {
    'hubFuzz.requests': report.requests,
    'hubFuzz.crashes': report.crashes,
    'hubFuzz.authBypass': report.authBypass,
    'hubFuzz.maxRssMB': report.maxRssMB,
  };
}
