// Merge rule for 二次备课 notes: never a silent overwrite. A version that supersedes what this device shows (it was
// edited from it, or merges it) replaces it; a version already known is ignored; any other version is concurrent and is
// kept beside it as a conflict until the teacher merges them.
import type { NoteVersion } from '../../shared/protocol.ts';
import type { NoteRow } from '../db/app-db.ts';

export function mergeNoteVersion(local: NoteRow | undefined, incoming: NoteVersion): NoteRow {
  if (!local) return { noteId: incoming.noteId, lessonId: incoming.lessonId, current: incoming, known: [incoming.hlc], conflicts: [] };
  if (local.known.includes(incoming.hlc)) return local;
  const known = [...local.known, incoming.hlc];
  const supersedes = new Set([...(incoming.baseHlc ? [incoming.baseHlc] : []), ...incoming.merges]);
  const rest = local.conflicts.filter((c) => !supersedes.has(c.hlc));
  if (supersedes.has(local.current.hlc)) return { ...local, current: incoming, known, conflicts: rest };
  return { ...local, known, conflicts: [...rest, incoming] };
}
