import type { z } from 'zod';
import { HubError } from './hub-error.ts';

/** Parses untrusted input with a protocol schema; a mismatch is the client's fault and says where. */
export function parseOrBadRequest<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new HubError('bad_request', first ? `${first.path.join('.') || 'body'}: ${first.message}` : 'invalid input');
  }
  return result.data;
}
