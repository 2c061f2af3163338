import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { desktop } from '../../desktop/desktop.ts';
import { folderFilesOf, type FolderFile } from '../../downloads/folder-read.ts';
import type { ImportRefusal, ImportRefusalCode } from '../../downloads/import-refusal.ts';
import { importPackFolder, type ImportResult } from '../../downloads/pack-import.ts';
import { visibleName } from '../../../shared/safe-names.ts';
import { useSession } from '../../stores/session-store.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';

type Picked = { folder: string; files: FolderFile[]; bytes: number };
type Message = { ok: true; text: string } | { ok: false; text: string; detail: string | undefined };

const folderNameOf = (list: FileList) => list[0]?.webkitRelativePath.split('/')[0] ?? '';
/** Refusals whose technical detail helps IT (the others say all a teacher needs; every detail is in the log). */
const SHOW_DETAIL = new Set<ImportRefusalCode>(['manifest_invalid', 'file_unreadable', 'storage_failed', 'unexpected']);

/**
 * USB / LAN import: pick an exported pack folder, see what it holds, then 导入. Every byte is verified against the
 * enrolled hub's signature before anything is stored; a refusal says why in plain words and that nothing changed.
 */
export function ImportPanel() {
  const { t } = useTranslation();
  const { db } = useApp();
  const identity = useSession((s) => s.identity);
  const [picked, setPicked] = useState<Picked | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const running = useRef<AbortController | null>(null);

  const onPick = (list: FileList | null) => {
    setMessage(null);
    if (!list || list.length === 0) return setPicked(null);
    const files = folderFilesOf(list);
    setPicked({ folder: folderNameOf(list), files, bytes: files.reduce((sum, f) => sum + f.size, 0) });
  };

  const messageOf = (result: ImportResult): Message => {
    if (result.ok) return { ok: true, text: t(`content.importDone.${result.update}`, { title: result.title, files: result.files }) };
    const { code, path, detail }: ImportRefusal = result.refusal;
    const reason = t(`content.importRefusal.${code}`, {
      path: visibleName(path ?? ''),
      other: visibleName(code === 'duplicate_name' || code === 'chunking_conflict' ? (detail ?? '') : ''),
      rule: code === 'unsafe_name' && detail ? t(`content.nameRule.${detail}`, { defaultValue: detail }) : '',
    });
    return { ok: false, text: t('content.importRefused', { reason }), detail: detail && SHOW_DETAIL.has(code) ? visibleName(detail) : undefined };
  };

  const onImport = async () => {
    if (!picked) return;
    const controller = new AbortController();
    running.current = controller;
    setProgress(0);
    const trust = { enrolled: identity !== null, hubKey: identity?.packSigningKey };
    const result = await importPackFolder(db, picked.files, { trust, signal: controller.signal, onProgress: (done, total) => setProgress(total > 0 ? Math.floor((done / total) * 100) : 100) });
    running.current = null;
    setProgress(null);
    setPicked(null);
    setMessage(messageOf(result));
    if (!result.ok) {
      const { code, path, detail } = result.refusal;
      void desktop().log.write({ level: 'warn', message: `pack import refused: ${code}${path ? ` ${path}` : ''}`, ...(detail ? { detail: detail.slice(0, 8000) } : {}) });
    }
  };

  return (
    <section className="import-panel" data-testid="import-panel">
      {progress === null && (
        <label className="button-like secondary">
          {t('content.importPick')}
          <input
            type="file"
            data-testid="import-input"
            // Chromium's folder picker; the attribute is not in React's types.
            {...{ webkitdirectory: '' }}
            multiple
            onChange={(e) => {
              onPick(e.currentTarget.files);
              e.currentTarget.value = ''; // the same folder can be picked again after a refusal
            }}
          />
        </label>
      )}
      {picked && progress === null && (
        <>
          <span data-testid="import-picked">{t('content.importPicked', { folder: picked.folder, files: picked.files.length, size: formatBytes(picked.bytes) })}</span>
          <button type="button" className="primary" onClick={() => void onImport()}>
            {t('content.importStart')}
          </button>
          <button type="button" className="secondary" onClick={() => setPicked(null)}>
            {t('content.importCancel')}
          </button>
        </>
      )}
      {progress !== null && (
        <>
          <progress max={100} value={progress} aria-label={t('content.importChecking', { percent: progress })} />
          <span role="status">{t('content.importChecking', { percent: progress })}</span>
          <button type="button" className="secondary" onClick={() => running.current?.abort()}>
            {t('content.importStop')}
          </button>
        </>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} data-testid="import-message">
          {message.text}
          {!message.ok && message.detail && <small className="muted"> {t('content.importDetail', { detail: message.detail })}</small>}
        </p>
      )}
    </section>
  );
}
