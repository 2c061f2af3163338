import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { setPinned } from '../../db/content-repo.ts';
import type { PackRow } from '../../db/content-rows.ts';
import { exportPack, ExportRefused, type DirectoryLike } from '../../downloads/pack-export.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';

type PickerWindow = Window & { showDirectoryPicker?: (options: { mode: 'readwrite' }) => Promise<DirectoryLike> };

/** One stored pack: 固定保留 (never evicted) and 导出 (to a USB stick / LAN folder, Chromium's folder picker). */
export function PackAdminRow({ row }: { row: PackRow }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const [note, setNote] = useState<string | null>(null);
  const picker = (window as PickerWindow).showDirectoryPicker;
  const bytes = row.manifest.files.reduce((n, f) => n + f.size, 0);
  const kind = row.manifest.kind === 'recording' ? t('content.kind.recording') : t('content.kind.preview');
  const onExport = async () => {
    if (!picker) return;
    try {
      const count = await exportPack(db, row.id, await picker({ mode: 'readwrite' }));
      setNote(t('admin.packExported', { count }));
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return; // IT closed the picker
      setNote(error instanceof ExportRefused ? t(`content.exportRefusal.${error.code}`) : error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <li className="admin-pack" data-testid="admin-pack">
      <span>
        <strong>{row.manifest.title}</strong>{' '}
        <span className="muted">
          {row.manifest.title.includes(kind) ? '' : `${kind} · `}
          {formatBytes(bytes)}
        </span>
      </span>
      <button type="button" className="secondary" aria-pressed={row.pinned} onClick={() => void setPinned(db, row.id, !row.pinned)}>
        {row.pinned ? t('content.unpin') : t('content.pin')}
      </button>
      {picker && (
        <button type="button" className="secondary" onClick={() => void onExport()}>
          {t('content.exportPack')}
        </button>
      )}
      {note && <span className="muted">{note}</span>}
    </li>
  );
}
