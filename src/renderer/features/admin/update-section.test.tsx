// The 管理员 page's update section as IT reads it (rendered to HTML under Node; the page itself runs in Chromium in
// tests/e2e/admin-page.test.ts, where the browser build has no updater): each refusal is named in plain zh-CN, and the
// folder button says a verification is running.
import i18next from 'i18next';
import { renderToStaticMarkup } from 'react-dom/server';
import { initReactI18next } from 'react-i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReleaseRefusal, type UpdateStatus } from '../../../shared/update-protocol.ts';
import { en } from '../../i18n/en.ts';
import { zhCN } from '../../i18n/zh-cn.ts';
import { UpdateSection } from './update-section.tsx';

const base: UpdateStatus = {
  phase: 'idle',
  channel: 'latest',
  currentVersion: '0.2.0',
  availableVersion: null,
  waitingFor: null,
  lastCheckAt: null,
  source: 'hub',
  error: null,
  refused: null,
  verifyingFolder: false,
  windows: { download: null, quiet: { start: '21:00', end: '06:00' } },
};

beforeAll(async () => {
  await i18next.use(initReactI18next).init({ lng: 'zh-CN', resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } }, interpolation: { escapeValue: false }, initAsync: false });
});

const render = (status: UpdateStatus) => renderToStaticMarkup(<UpdateSection status={status} onStatus={() => undefined} />);

describe('update section (管理员)', () => {
  it.each(ReleaseRefusal.options)('names the refusal %s in zh-CN and English', async (reason) => {
    await i18next.changeLanguage('zh-CN');
    const zh = render({ ...base, refused: { reason, detail: 'detail-for-it', source: 'hub', at: '2026-03-02T10:00:00.000Z' } });
    expect(zh).toContain('中心提供的更新已拒绝：');
    expect(zh).toContain(String(i18next.t(`admin.refusal.${reason}`)));
    expect(zh).not.toContain(`admin.refusal.${reason}`);
    expect(zh).toContain('detail-for-it');
    await i18next.changeLanguage('en');
    expect(render({ ...base, refused: { reason, detail: 'x', source: 'folder', at: '2026-03-02T10:00:00.000Z' } })).toContain(String(en.admin.refusal[reason]));
    await i18next.changeLanguage('zh-CN');
  });

  it('spells out the ones IT must act on', () => {
    const text = (reason: ReleaseRefusal) => render({ ...base, refused: { reason, detail: '', source: 'folder', at: '2026-03-02T10:00:00.000Z' } });
    expect(text('unsigned')).toContain('文件夹中的更新已拒绝：没有发布者签名');
    expect(text('bad_signature')).toContain('签名无效');
    expect(text('downgrade')).toContain('不允许降级');
    expect(text('same_version')).toContain('与已安装版本相同');
  });

  it('disables the folder button and says so while a folder is verified', () => {
    const html = render({ ...base, verifyingFolder: true });
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*aria-busy="true"[^>]*data-testid="update-from-folder"[^>]*>正在校验文件夹…（一次只校验一个）<\/button>/);
    expect(render(base)).toContain('>从 U 盘 / 文件夹更新</button>');
  });
});
