// The hub's in-process event bus: one module announces, another listens, neither imports the other (sync → live:
// quiz answers applied; the sync socket's batches for the figures). Payloads are plain data.
import { EventEmitter } from 'node:events';

export type QuizAnswered = { lessonId: string; quizId: string; questionId: string; classroomId: string };
/** A batch the sync socket answered: its ops and the bytes it took on the wire (compressed, with framing). */
export type SocketPushed = { ops: number; wireBytes: number };
export type HubEvents = EventEmitter<{ quizAnswered: [QuizAnswered]; socketPushed: [SocketPushed] }>;

export function createHubEvents(): HubEvents {
  const events: HubEvents = new EventEmitter();
  events.setMaxListeners(100);
  return events;
}

