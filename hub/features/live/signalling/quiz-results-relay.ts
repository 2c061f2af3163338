// The live side of 答题器: answers applied by sync (announced on the hub's event bus) reach the lesson's consoles as
// fresh results. The results themselves are the quiz module's (recomputed from the database, never counted twice).
import type { HubDatabase } from '../../../core/db/open-database.ts';
import type { HubEvents } from '../../../core/hub-events.ts';
import { questionResults } from '../../quiz/live-quiz.ts';
import type { LiveSfu } from '../sfu/live-sfu.ts';

/** Answers that arrive through sync push reach the lesson's consoles as fresh results. */
export function relayQuizResults(events: HubEvents | undefined, db: HubDatabase, sfu: LiveSfu | null, onError: (error: unknown) => void = () => undefined) {
  if (!events || !sfu) return () => undefined;
  const onAnswered = ({ lessonId, quizId, questionId }: { lessonId: string; quizId: string; questionId: string }) => {
    const room = sfu.existingRoom(lessonId);
    if (!room) return;
    // A failed recount (the database unreachable for a moment) is logged; the next answer recounts again.
    questionResults(db, lessonId, quizId, questionId).then(
      (results) => room.toConsoles({ type: 'quizResults', results }),
      (error: unknown) => onError(error),
    );
  };
  events.on('quizAnswered', onAnswered);
  return () => events.off('quizAnswered', onAnswered);
}
