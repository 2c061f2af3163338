// latest.yml as the release checks read it and as the hub writes it. YAML's JSON-compatible core schema: no merge keys
// (`<<` is then an ordinary key, which the strict ReleaseManifest refuses), no timestamps, no binary or other tags. And
// no anchors or aliases at all: a "billion laughs" manifest is refused before anything expands it, and the bytes that
// were verified are exactly what electron-updater reads — with no reference its own YAML reader might resolve otherwise.
import { CORE_SCHEMA, DEFAULT_SCHEMA, dump, load, type State } from 'js-yaml';

export type ReleaseYamlRefusal = 'malformed_manifest' | 'yaml_reference';
export type ReleaseYaml = { ok: true; value: unknown } | { ok: false; reason: ReleaseYamlRefusal; detail: string };

class YamlReference extends Error {}

/** js-yaml has no switch for anchors; its parse listener sees every node, and the anchors stored so far. */
function refuseAnchors(_event: string, state: State) {
  const anchors = (state as State & { anchorMap?: Record<string, unknown> }).anchorMap;
  const first = anchors ? Object.keys(anchors)[0] : undefined;
  if (first !== undefined) throw new YamlReference(`anchor &${first} near line ${state.line + 1}`);
}

/** A value electron-updater's reader (js-yaml's default schema) would not read as plain JSON, e.g. an unquoted date. */
function notPlain(value: unknown): boolean {
  if (value === null || value === undefined || ['string', 'number', 'boolean'].includes(typeof value)) return false;
  if (Array.isArray(value)) return value.some(notPlain);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).some(notPlain);
  return true;
}

export function readReleaseYaml(text: string): ReleaseYaml {
  try {
    const value: unknown = load(text, { schema: CORE_SCHEMA, listener: refuseAnchors });
    // electron-updater reads the same bytes with the default schema: what it sees must be what was checked here.
    if (notPlain(load(text, { schema: DEFAULT_SCHEMA, listener: refuseAnchors }))) {
      return { ok: false, reason: 'malformed_manifest', detail: 'a value electron-updater would read as a date or other non-JSON type (quote it)' };
    }
    return { ok: true, value };
  } catch (error) {
    const detail = error instanceof Error ? (error.message.split('\n')[0] ?? '') : 'YAML error';
    // An alias without an anchor (the anchor was refused, or never there) is a reference too.
    if (error instanceof YamlReference || /alias/i.test(detail)) return { ok: false, reason: 'yaml_reference', detail: `anchors, aliases and merge keys are not allowed (${detail})` };
    return { ok: false, reason: 'malformed_manifest', detail };
  }
}

/**
 * The canonical text the hub signs: no references even for a value that repeats, one line per value, and written with
 * the default schema so every string that reader would take for something else (a date, `<<`) is quoted.
 */
export function writeReleaseYaml(value: unknown): string {
  return dump(value, { schema: DEFAULT_SCHEMA, noRefs: true, lineWidth: -1 });
}
