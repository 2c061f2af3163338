import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PackKind } from '../../../shared/content-protocol.ts';
import { positionAt, RECORDING_INDEX_FILE } from '../../../shared/recording-index.ts';
import { useApp } from '../../app/app-context.tsx';
import { lessonContent, markPackUsed } from '../../db/content-repo.ts';
import { liveStoppedAt } from '../../db/live-repo.ts';
import { navigate } from '../../stores/route-store.ts';
import { DownloadStatusLine } from './download-status-line.tsx';
import { FileRow } from './file-row.tsx';
import { FileViewer } from './file-viewer.tsx';
import { PackHeader } from './pack-header.tsx';
import { RecordingPlayer } from './recording-player.tsx';
import { useRecordingIndex } from './use-recording-index.ts';

/**
 * A lesson's recording and 预习包: download progress per file, and the viewer (video, PDF, image), all offline. A
 * recorded live lesson plays with its courseware (recording-player.tsx) and, for a class whose live stream stopped,
 * from that moment (`startAt`, hub clock: from 改看录播; otherwise the stored stop time if nothing was watched yet).
 */
export function ContentScreen({ lessonId, kind, back, startAt }: { lessonId: string; kind?: PackKind; back: 'lesson' | 'review'; startAt?: number }) {
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
    // Never the recording's index (it is read, not shown); for 播放录播 a video, not whatever finished downloading first.
    const shown = pack?.files.filter((f) => f.row?.state === 'complete' && f.file.path !== RECORDING_INDEX_FILE) ?? [];
    const first = kind === 'recording' ? shown.find((f) => f.file.mime.startsWith('video/')) : shown[0];
    if (pack && first) setOpen({ packId: pack.pack.id, path: first.file.path });
  }, [content, kind, open]);

  const openedPack = content?.find((c) => c.pack.id === open?.packId);
  const opened = openedPack?.files.find((f) => f.file.path === open?.path);
  const index = useRecordingIndex(openedPack?.files.map(({ file, row }) => ({ file, complete: row?.state === 'complete' })));
  const storedStop = useLiveQuery(() => liveStoppedAt(db, lessonId), [db, lessonId]);
  const stopAt = startAt ?? storedStop ?? null;
  const start = useMemo(() => (index && stopAt !== null ? { seconds: positionAt(index, stopAt), force: startAt !== undefined } : undefined), [index, stopAt, startAt]);
  const completeFile = (path: string | null | undefined) => openedPack?.files.find((f) => f.file.path === path && f.row?.state === 'complete')?.file;
  const cameraFile = completeFile(index?.camera);
  const coursewareFile = completeFile(index?.courseware);
  const asRecording = opened && index && cameraFile && (opened.file.path === index.camera || opened.file.path === index.courseware);
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
                {files.filter(({ file }) => file.path !== RECORDING_INDEX_FILE).map(({ file, row }) => (
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
          {asRecording && cameraFile && coursewareFile ? (
            <RecordingPlayer
              key={cameraFile.sha256}
              camera={cameraFile}
              courseware={coursewareFile}
              resumeKey={`${lessonId}:${cameraFile.sha256}`}
              pausePoints={pausePoints}
              onPausePoint={onPausePoint}
              {...(start ? { startAt: start } : {})}
            />
          ) : (
            opened && (
              <FileViewer
                key={opened.file.sha256}
                file={asRecording && cameraFile ? cameraFile : opened.file}
                resumeKey={`${lessonId}:${(asRecording && cameraFile ? cameraFile : opened.file).sha256}`}
                pausePoints={pausePoints}
                onPausePoint={onPausePoint}
                {...(asRecording && start ? { startAt: start } : {})}
              />
            )
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
