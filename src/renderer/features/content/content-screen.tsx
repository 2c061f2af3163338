import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PackKind } from '../../../shared/content-protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import { lessonContent, markPackUsed } from '../../db/content-repo.ts';
import { navigate } from '../../stores/route-store.ts';
import { DownloadStatusLine } from './download-status-line.tsx';
import { FileRow } from './file-row.tsx';
import { FileViewer } from './file-viewer.tsx';
import { PackHeader } from './pack-header.tsx';

/** A lesson's recording and 预习包: download progress per file, and the viewer (video, PDF, image), all offline. */
export function ContentScreen({ lessonId, kind, back }: { lessonId: string; kind?: PackKind; back: 'lesson' | 'review' }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const lesson = useLiveQuery(() => db.lessons.get(lessonId), [db, lessonId]);
  const content = useLiveQuery(() => lessonContent(db, lessonId), [db, lessonId]);
  const [open, setOpen] = useState<{ packId: string; path: string } | null>(null);
  // 二次备课: time notes marked "pause here" stop the recording at their time and show the note.
  const pauseNotes = useLiveQuery(
    async () =>
      (await db.notes.where('lessonId').equals(lessonId).toArray())
        .map((n) => n.current)
        .filter((v) => v.pause && !v.deleted && v.anchor.kind === 'time')
        .map((v) => ({ seconds: v.anchor.kind === 'time' ? v.anchor.seconds : 0, text: v.text })),
    [db, lessonId],
  );
  const [pausedNote, setPausedNote] = useState<string | null>(null);
  const pausePoints = useMemo(() => pauseNotes?.map((n) => n.seconds) ?? [], [pauseNotes]);
  const onPausePoint = useCallback((seconds: number) => setPausedNote(pauseNotes?.find((n) => n.seconds === seconds)?.text ?? null), [pauseNotes]);

  // Open the first cached file of the asked-for kind (播放录播 → the video) as soon as it is there.
  useEffect(() => {
    if (open || !content) return;
    const pack = content.find((c) => !kind || c.pack.kind === kind);
    const first = pack?.files.find((f) => f.row?.state === 'complete');
    if (pack && first) setOpen({ packId: pack.pack.id, path: first.file.path });
  }, [content, kind, open]);

  const opened = content?.find((c) => c.pack.id === open?.packId)?.files.find((f) => f.file.path === open?.path);
  return (
    <main className="content-screen" data-lesson-id={lessonId}>
      <div className="lesson-header">
        <button type="button" className="secondary" onClick={() => navigate(back === 'review' ? { screen: 'review' } : { screen: 'lesson', lessonId })}>
          ← {t('content.back')}
        </button>
        <div className="lesson-heading">
          <h1>{lesson ? `${lesson.subject} · ${lesson.title}` : t('content.title')}</h1>
        </div>
      </div>
      <DownloadStatusLine />
      {content?.length === 0 && <p className="empty">{t('content.none')}</p>}
      <div className="content-layout">
        <div className="packs">
          {content?.map(({ pack, files }) => (
            <section key={pack.id} className="pack" data-testid="pack" data-kind={pack.kind}>
              <PackHeader pack={pack} />
              <ul className="file-list">
                {files.map(({ file, row }) => (
                  <FileRow
                    key={file.path}
                    file={file}
                    row={row}
                    selected={open?.packId === pack.id && open.path === file.path}
                    onOpen={() => {
                      setOpen({ packId: pack.id, path: file.path });
                      void markPackUsed(db, pack.id, Date.now());
                    }}
                  />
                ))}
              </ul>
            </section>
          ))}
        </div>
        <div className="viewer">
          {opened && (
            <FileViewer
              key={opened.file.sha256}
              file={opened.file}
              resumeKey={`${lessonId}:${opened.file.sha256}`}
              pausePoints={pausePoints}
              onPausePoint={onPausePoint}
            />
          )}
          {pausedNote && (
            <p className="pause-note" role="status" data-testid="pause-note">
              {pausedNote}
            </p>
          )}
        </div>
      </div>
    </main>
  );
}
