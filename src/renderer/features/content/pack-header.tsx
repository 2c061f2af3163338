import { useTranslation } from 'react-i18next';
import type { PackManifest } from '../../../shared/content-protocol.ts';

/** A pack's title, with what kind it is unless the title already says so (no "预习包 · 预习包"). */
export function PackHeader({ pack }: { pack: PackManifest }) {
  const { t } = useTranslation();
  const kind = pack.kind === 'recording' ? t('content.kind.recording') : t('content.kind.preview');
  return (
    <div className="pack-header">
      <h2>{pack.title.includes(kind) ? pack.title : t('content.packTitle', { kind, title: pack.title })}</h2>
    </div>
  );
}
