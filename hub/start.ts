// `npm run hub` entry: the county hub (main.ts), or with `--edge` / HUB_MODE=edge the same code as a school edge.
const edge = process.argv.includes('--edge') || process.env.HUB_MODE === 'edge';
if (edge) {
  const { startEdge } = await import('./school-edge/edge-main.ts');
  await startEdge(process.env);
} else {
  await import('./main.ts');
}
export {};
