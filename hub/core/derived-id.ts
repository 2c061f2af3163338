// Ids the hub derives from a lesson's id (its recording pack, its live quiz): readable when they fit the 64-character
// Id, a hash of the lesson id when they would not (never a cut-off prefix two lessons could share).
import { createHash } from 'node:crypto';

export function derivedId(prefix: string, id: string): string {
  const plain = `${prefix}-${id}`;
  return plain.length <= 64 ? plain : `${prefix}-${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
}
