// `npm run chaos [-- --ops 10000 --rounds 40 --seed 7]`: prints progress, then one JSON line
// {"sent":N,"onHub":N,"lost":0,"duplicated":0}, and exits non-zero unless every op is on the hub exactly once.
import { parseArgs } from 'node:util';
import { runChaos } from './run-chaos.ts';

const { values } = parseArgs({ options: { ops: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '40' }, seed: { type: 'string', default: '7' } } });
const result = await runChaos({ ops: Number(values.ops), rounds: Number(values.rounds), seed: Number(values.seed), log: (l) => console.error(l) });
console.error(`events ${JSON.stringify(result.events)}, final drain ${result.drainMs} ms`);
console.log(JSON.stringify({ sent: result.sent, onHub: result.onHub, lost: result.lost, duplicated: result.duplicated }));
process.exit(result.lost === 0 && result.duplicated === 0 && result.onHub === result.sent ? 0 : 1);
