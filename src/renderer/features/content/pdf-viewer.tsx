import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

// The worker is bundled by Vite as a local file, so PDFs render with no network at all.
GlobalWorkerOptions.workerSrc = workerUrl;

/** Renders a cached PDF page by page onto a canvas (pdf.js). */
export function PdfViewer({ url }: { url: string }) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [page, setPage] = useState(1);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const task = getDocument({ url });
    task.promise.then(setDoc, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    return () => void task.destroy();
  }, [url]);

  useEffect(() => {
    if (!doc || !canvas.current) return;
    const el = canvas.current;
    let cancelled = false;
    void doc.getPage(page).then((p) => {
      if (cancelled) return;
      const viewport = p.getViewport({ scale: 1.4 });
      el.width = viewport.width;
      el.height = viewport.height;
      void p.render({ canvas: el, viewport }).promise.then(() => el.setAttribute('data-rendered', String(page)));
    });
    return () => {
      cancelled = true;
    };
  }, [doc, page]);

  if (error) return <p role="alert">{error}</p>;
  return (
    <div className="pdf-viewer">
      <div className="player-bar">
        <button type="button" className="secondary small" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
          {t('content.prevPage')}
        </button>
        <span>{t('content.pdfPage', { page, pages: doc?.numPages ?? '…' })}</span>
        <button type="button" className="secondary small" disabled={!doc || page >= doc.numPages} onClick={() => setPage((p) => p + 1)}>
          {t('content.nextPage')}
        </button>
      </div>
      <canvas ref={canvas} data-testid="pdf-canvas" />
    </div>
  );
}
