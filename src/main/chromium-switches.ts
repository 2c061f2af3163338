// Chromium switches for a classroom PC (4 GB, 2 cores, one app window, issue #21's footprint): what the app does not
// use is not started. Plain data, so the Electron adapter (electron-main.ts) and the footprint bench
// (bench/footprint.bench.ts) apply the same list and the bench's figure is the product's. Weighed and left out:
// --enable-low-end-device-mode (no difference measured: 474 vs 475 MB), --js-flags=--max-old-space-size (the heap is not
// where the memory is), disabling site isolation (a security boundary, for a few MB).
export type ChromiumSwitch = { name: string; value?: string; why: string };

export const CLASSROOM_SWITCHES: readonly ChromiumSwitch[] = [
  {
    name: 'disable-features',
    // Each is a service of a general browser: a second renderer kept warm for the next tab (SpareRenderer…), pages kept
    // alive for Back (BackForwardCache), translation, hints from Google, casting (MediaRouter), a page preloaded on hover.
    value: ['SpareRendererForSitePerProcess', 'BackForwardCache', 'Translate', 'OptimizationHints', 'MediaRouter', 'Prerender2', 'InterestFeedContentSuggestions', 'CalculateNativeWinOcclusion'].join(','),
    why: 'browser services a one-window classroom app never uses',
  },
  { name: 'disable-extensions', why: 'no extension host process' },
  { name: 'disable-component-extensions-with-background-pages', why: 'no built-in extension kept running' },
  { name: 'renderer-process-limit', value: '2', why: 'one window (and a utility page at most): no renderer per stray frame' },
  { name: 'disable-background-networking', why: 'no updater, safe-browsing or metrics fetches on a school link' },
];

/** As command-line arguments (`--name` or `--name=value`), for a Chromium launched by the bench. */
export function switchArgs(list: readonly ChromiumSwitch[]): string[] {
  return list.map((s) => (s.value === undefined ? `--${s.name}` : `--${s.name}=${s.value}`));
}
