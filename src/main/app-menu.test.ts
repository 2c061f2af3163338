import { describe, expect, it } from 'vitest';
import { appMenuTemplate, flattenMenu, type MenuCommand } from './app-menu.ts';

const CJK = /[\u4e00-\u9fff]/;

describe.each([true, false])('application menu (packaged: %s)', (isPackaged) => {
  const items = flattenMenu(appMenuTemplate({ isPackaged }));

  it('labels every item in Chinese', () => {
    for (const item of items) if (item.kind !== 'separator') expect(item.label, JSON.stringify(item)).toMatch(CJK);
  });

  it('offers full screen (F11), kiosk, update check and the log folder', () => {
    const commands = items.flatMap((i) => (i.kind === 'command' ? [i.command] : []));
    expect(commands.sort()).toEqual((['about', 'check-updates', 'open-log-folder', 'quit', 'toggle-fullscreen', 'toggle-kiosk'] satisfies MenuCommand[]).sort());
    expect(items.find((i) => i.kind === 'command' && i.command === 'toggle-fullscreen')).toMatchObject({ accelerator: 'F11' });
  });

  it('has no duplicate accelerators', () => {
    const accels = items.flatMap((i) => ('accelerator' in i && i.accelerator ? [i.accelerator] : []));
    expect(new Set(accels).size).toBe(accels.length);
  });

  it(isPackaged ? 'hides reload and developer tools in the installed app' : 'shows reload and developer tools in development', () => {
    const roles = items.flatMap((i) => (i.kind === 'role' ? [i.role] : []));
    expect(roles.includes('toggleDevTools')).toBe(!isPackaged);
    expect(roles.includes('reload')).toBe(!isPackaged);
  });
});
