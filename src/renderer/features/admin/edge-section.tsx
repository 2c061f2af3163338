// 本校服务器: IT enters the school edge's address or picks one of this school's edges found on the LAN (DNS-SD, desktop
// app only); the line below says where content comes from right now (the edge, or the county hub because the edge is
// unreachable / serves another school) — the switch itself is automatic. A found edge is used only once IT picks it:
// an announcement on the LAN is anyone's word, and the PC sends its device token to the edge it uses.
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState, type FormEvent } from 'react';
import type { DiscoveredEdge } from '../../../shared/edge-protocol.ts';
import { desktop } from '../../desktop/desktop.ts';
import { useSession } from '../../stores/session-store.ts';
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
  const [found, setFound] = useState<DiscoveredEdge[]>([]);
  const schoolId = useSession((s) => s.identity?.school.id);
  const value = draft ?? saved ?? '';

  useEffect(() => {
    let live = true;
    void desktop()
      .edge.discover()
      .then(
        (r) => live && setFound(r.edges.filter((e) => e.schoolId === schoolId)),
        () => undefined, // no discovery (browser build, or multicast blocked): typing the address still works
      );
    return () => {
      live = false;
    };
  }, [schoolId]);

  async function use(url: string) {
    await contentCommands.setEdgeUrl(db, url);
    setError(null);
    setDraft(null);
  }

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
      {found
        .filter((e) => e.url !== saved)
        .map((e) => (
          <div key={e.url} className="admin-actions" data-testid="edge-found">
            <span className="admin-note">{t('admin.edge.discovered', { name: e.name, url: e.url })}</span>
            <button type="button" className="secondary" onClick={() => void use(e.url)}>
              {t('admin.edge.use')}
            </button>
          </div>
        ))}
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
