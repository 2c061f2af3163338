import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { folderFilesOf, importPackFolder } from '../../downloads/pack-import.ts';

/** USB / LAN import: pick an exported pack folder; it is verified completely before anything is stored. */
export function ImportPanel() {
  const { t } = useTranslation();
  const { db } = useApp();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const onPick = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setBusy(true);
    try {
      const result = await importPackFolder(db, folderFilesOf(files));
      setMessage(result.ok ? { ok: true, text: t('content.importOk', { title: result.title, files: result.files }) } : { ok: false, text: t('content.importRefused', { reason: result.reason }) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="import-panel">
      <label className="button-like secondary">
        {t('content.importPick')}
        <input
          type="file"
          data-testid="import-input"
          disabled={busy}
          // Chromium's folder picker; the attribute is not in React's types.
          {...{ webkitdirectory: '' }}
          multiple
          onChange={(e) => void onPick(e.currentTarget.files)}
        />
      </label>
      {message && <p role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
    </section>
  );
}
