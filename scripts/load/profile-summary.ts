// LOAD_PROFILE's hub CPU profiles (V8 .cpuprofile files, one per node that exited): self time summed per function and
// per source file, the largest first. `tsx scripts/load/profile-summary.ts <folder>`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const Profile = z.object({
  nodes: z.array(z.object({ id: z.number(), callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }) })),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

const dir = process.argv[2] ?? '.';
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = Profile.parse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === '(idle)') return;
    total += us;
    const where = frame.url.replace(/^.*\/node_modules\//, 'nm:').replace(/^.*\/h4\//, '');
    const key = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const fileKey = where.startsWith('nm:') ? where.split('/').slice(0, where.startsWith('nm:@') ? 2 : 1).join('/') : where || frame.functionName;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
  });
}
const top = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
process.stdout.write(`busy ${(total / 1000).toFixed(0)} ms\n-- by file/package\n${top(byFile, 25).join('\n')}\n-- by function\n${top(byFunction, 30).join('\n')}\n`);
