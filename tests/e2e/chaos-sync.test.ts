// The chaos run at test size (the full 10 000-op run is `npm run chaos`): link cuts, hub kills and page reopens while
// records sync; the hub must end with every op exactly once.
import { describe, expect, it } from 'vitest';
import { weakLinkSupported } from '../net/weak-link.ts';
import { runChaos } from '../chaos/run-chaos.ts';

describe.skipIf(!weakLinkSupported())('sync chaos (small)', () => {
  it('loses nothing and applies nothing twice through cuts, hub kills and page reopens', async () => {
    const result = await runChaos({ ops: 600, rounds: 6, seed: 11, log: (l) => console.log(l) });
    console.log(JSON.stringify(result));
    expect(result.events.cuts + result.events.hubKills + result.events.pageReopens).toBe(6);
    expect(result).toMatchObject({ sent: 600, onHub: 600, lost: 0, duplicated: 0 });
  }, 600_000);
});
