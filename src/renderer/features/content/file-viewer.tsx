import { useTranslation } from 'react-i18next';
import type { ContentFile } from '../../../shared/content-protocol.ts';
import { PdfViewer } from './pdf-viewer.tsx';
import { useStoredBlobUrl } from './use-stored-blob-url.ts';
import { VideoPlayer, type VideoPlayerProps } from './video-player.tsx';

/** Shows a cached file by its type: video, PDF, image; anything else can be saved and opened elsewhere. */
export function FileViewer({
  file,
  resumeKey,
  pausePoints,
  onPausePoint,
  startAt,
}: {
  file: ContentFile;
  resumeKey: string;
  pausePoints?: readonly number[];
  onPausePoint?: (seconds: number) => void;
  startAt?: VideoPlayerProps['startAt'];
}) {
  const { t } = useTranslation();
  const url = useStoredBlobUrl(file.sha256, true);
  if (!url) return <p className="muted">{t('content.notCached')}</p>;
  if (file.mime.startsWith('video/') || file.mime.startsWith('audio/')) {
    return <VideoPlayer url={url} resumeKey={resumeKey} pausePoints={pausePoints ?? []} {...(onPausePoint ? { onPausePoint } : {})} {...(startAt ? { startAt } : {})} />;
  }
  if (file.mime === 'application/pdf') return <PdfViewer url={url} />;
  if (file.mime.startsWith('image/')) return <img className="image-viewer" src={url} alt={file.path} data-testid="image" />;
  return (
    <a className="button-like file-viewer-link" href={url} download={file.path.split('/').at(-1)}>
      {file.path}
    </a>
  );
}
