import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PackManifest } from '../../../shared/content-protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import { setPinned } from '../../db/content-repo.ts';
import { exportPack, ExportRefused, type DirectoryLike } from '../../downloads/pack-export.ts';

type PickerWindow = Window & { showDirectoryPicker?: (options: { mode: 'readwrite' }) => Promise<DirectoryLike> };

/** A pack's title with 固定保留 (never evicted) and 导出 (to a USB stick / LAN folder, Chromium's folder picker). */
export function PackHeader({ pack }: { pack: PackManifest }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const row = useLiveQuery(() => db.packs.get(pack.id), [db, pack.id]);
  const [note, setNote] = useState<string | null>(null);
  const picker = (window as PickerWindow).showDirectoryPicker;
  const onExport = async () => {
    if (!picker) return;
    try {
      const count = await exportPack(db, pack.id, await picker({ mode: 'readwrite' }));
      setNote(`${t('content.exportPack')} ✓ ${count}`);
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return; // the teacher closed the picker
      setNote(error instanceof ExportRefused ? t(`content.exportRefusal.${error.code}`) : error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <div className="pack-header">
      <h2>
        {pack.kind === 'recording' ? t('content.play') : t('content.pack')} · {pack.title}
      </h2>
      <button type="button" className="secondary small" aria-pressed={row?.pinned ?? false} onClick={() => void setPinned(db, pack.id, !row?.pinned)}>
        {row?.pinned ? t('content.unpin') : t('content.pin')}
      </button>
      {picker && (
        <button type="button" className="secondary small" onClick={() => void onExport()}>
          {t('content.exportPack')}
        </button>
      )}
      {note && <span className="muted">{note}</span>}
    </div>
  );
}
