// 本校服务器: IT enters the school edge's address; the line below says where content comes from right now (the edge, or
// the county hub because the edge is unreachable / serves another school) — the switch itself is automatic.
import { useLiveQuery } from 'dexie-react-hooks';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { contentCommands } from '../../app/content-controller.ts';
import { EdgeUrl, getEdgeUrl } from '../../db/edge-settings.ts';
import { useEdgeRoute } from '../../stores/edge-route-store.ts';

export function EdgeSection() {
  const { t } = useTranslation();
  const { db } = useApp();
  const saved = useLiveQuery(() => getEdgeUrl(db), [db]);
  const route = useEdgeRoute();
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const value = draft ?? saved ?? '';

  async function save(event: FormEvent) {
    event.preventDefault();
    const text = value.trim();
    if (text === '') {
      await contentCommands.setEdgeUrl(db, null);
      setError(null);
      setDraft(null);
      return;
    }
    const parsed = EdgeUrl.safeParse(text);
    if (!parsed.success) {
      setError(t('admin.edge.invalid'));
      return;
    }
    await contentCommands.setEdgeUrl(db, parsed.data);
    setError(null);
    setDraft(null);
  }

  const state = !route.edgeUrl ? t('admin.edge.none') : route.using === 'edge' ? t('admin.edge.usingEdge') : t(`admin.edge.fallback.${route.problem ?? 'unreachable'}`);
  return (
    <section aria-labelledby="admin-edge">
      <h2 id="admin-edge">{t('admin.edge.title')}</h2>
      <p className="admin-note">{t('admin.edge.help')}</p>
      <form className="admin-actions admin-edge" onSubmit={(e) => void save(e)}>
        <input
          type="url"
          inputMode="url"
          aria-label={t('admin.edge.address')}
          placeholder="http://192.168.1.10:8788"
          value={value}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className="secondary">
          {t('admin.edge.save')}
        </button>
      </form>
      {!saved && route.edgeUrl && <p className="admin-note">{t('admin.edge.discovered', { url: route.edgeUrl })}</p>}
      <p className="admin-result" data-testid="edge-state">
        {state}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
