import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContentFile } from '../../../shared/content-protocol.ts';
import { useStoredBlobUrl } from './use-stored-blob-url.ts';
import { VideoPlayer, type VideoPlayerProps } from './video-player.tsx';

/** pdf.js (a third of the app's script) is fetched and parsed only when a PDF is opened, not on every screen (issue
 *  #21: the live lesson's footprint on a 4 GB classroom PC). */
const PdfViewer = lazy(() => import('./pdf-viewer.tsx').then((m) => ({ default: m.PdfViewer })));

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
  if (file.mime === 'application/pdf') {
    return (
      <Suspense fallback={<p className="muted">{t('content.loadingViewer')}</p>}>
        <PdfViewer url={url} />
      </Suspense>
    );
  }
  if (file.mime.startsWith('image/')) return <img className="image-viewer" src={url} alt={file.path} data-testid="image" />;
  return (
    <a className="button-like file-viewer-link" href={url} download={file.path.split('/').at(-1)}>
      {file.path}
    </a>
  );
}
