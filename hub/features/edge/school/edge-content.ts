// What the edge knows about content: the pack lists it passed on (the county's bytes, signatures included, exactly
// as received), so it knows each blob's size and chunk hashes and which classroom may read which blob.
import { PackListing, ReceivedPacks } from '../../../../src/shared/content-protocol.ts';
import { ContentPaths } from '../../../../src/shared/content-protocol.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import type { FileSpec } from './blob-fetcher.ts';
import type { Upstream } from './upstream.ts';

export type EdgeContent = ReturnType<typeof createEdgeContent>;

export function createEdgeContent(upstream: Upstream) {
  const lists = new Map<string, { text: string; blobs: Map<string, FileSpec> }>();

  /** The classroom's pack list from the county (by the classroom's own token); the last one if the county is down. */
  async function packList(classroomId: string, deviceToken: string): Promise<string> {
    try {
      const res = await upstream.send(ContentPaths.packs, { token: deviceToken });
      if (!res.ok) throw await upstream.refusal(res);
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const parsed = ReceivedPacks.safeParse(json);
      if (!parsed.success) throw new HubError('upstream_unavailable', 'county hub sent a pack list that does not parse');
      const blobs = new Map<string, FileSpec>();
      // A pack that does not parse (a manifest that contradicts itself, say) lends no blob spec: the classroom refuses
      // it by name when it reads the same list.
      for (const raw of parsed.data.packs) {
        const pack = PackListing.safeParse(raw);
        if (pack.success) for (const f of pack.data.manifest.files) blobs.set(f.sha256, f);
      }
      lists.set(classroomId, { text, blobs });
      return text;
    } catch (error) {
      const last = lists.get(classroomId);
      if (error instanceof HubError && error.code === 'upstream_unavailable' && last) return last.text;
      throw error;
    }
  }

  return {
    packList,
    /** The blob's spec if it is in a pack of this classroom (asking the county again once if not known yet). */
    async specFor(classroomId: string, deviceToken: string, sha256: string): Promise<FileSpec | undefined> {
      const known = lists.get(classroomId)?.blobs.get(sha256);
      if (known) return known;
      await packList(classroomId, deviceToken);
      return lists.get(classroomId)?.blobs.get(sha256);
    },
  };
}
