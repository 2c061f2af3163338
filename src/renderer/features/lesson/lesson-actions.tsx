import type { Lesson } from '../../../shared/protocol.ts';
import { ContentActions } from '../content/content-actions.tsx';

/** The way into the lesson itself: 进入直播 for live lessons, 播放录播 / 预习包 for recorded ones (filled in by live/ and content). */
export function LessonActions({ lesson }: { lesson: Lesson }) {
  return (
    <div className="lesson-actions" data-lesson-mode={lesson.mode}>
      <ContentActions lesson={lesson} />
    </div>
  );
}
