// `npm run bench`: runs every bench/*.bench.ts module and prints one JSON object as the LAST line of output, merging
// their figures under stable keys (e.g. "live.joinToFirstFrameMs"). Figures are ratios or side-by-side measurements
// taken in the same run, because these machines are noisy. Select modules with `npm run bench -- live sync`.
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export type BenchModule = { run(): Promise<Record<string, number | string | null>> };

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(dir)).filter((f) => f.endsWith('.bench.ts')).sort();
const results: Record<string, number | string | null> = {};

for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  if (only.length > 0 && !only.includes(name)) continue;
  const started = Date.now();
  try {
    const mod = (await import(`./${file}`)) as BenchModule;
    Object.assign(results, await mod.run());
    console.error(`bench ${name}: ${Date.now() - started} ms`);
  } catch (error) {
    console.error(`bench ${name} failed:`, error);
    results[`${name}.error`] = error instanceof Error ? error.message : String(error);
  }
}

console.log(JSON.stringify(results));
