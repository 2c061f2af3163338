// The application menu as plain data (zh-CN, for teachers and IT), turned into an Electron Menu by the adapter. Commands
// are named so the adapter maps each to an action through a Record<MenuCommand, …> that tsc keeps complete.

export type MenuCommand = 'toggle-fullscreen' | 'toggle-kiosk' | 'check-updates' | 'open-log-folder' | 'about' | 'quit';

type Role = 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'selectAll' | 'reload' | 'toggleDevTools' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'minimize';

export type MenuItemSpec =
  | { kind: 'separator' }
  | { kind: 'role'; role: Role; label: string; accelerator?: string }
  | { kind: 'command'; command: MenuCommand; label: string; accelerator?: string }
  | { kind: 'submenu'; label: string; items: MenuItemSpec[] };

export function appMenuTemplate({ isPackaged }: { isPackaged: boolean }): MenuItemSpec[] {
  const sep = { kind: 'separator' } as const;
  return [
    { kind: 'submenu', label: '文件(&F)', items: [{ kind: 'command', command: 'quit', label: '退出', accelerator: 'CmdOrCtrl+Q' }] },
    {
      kind: 'submenu',
      label: '编辑(&E)',
      items: [
        { kind: 'role', role: 'undo', label: '撤销' },
        { kind: 'role', role: 'redo', label: '重做' },
        sep,
        { kind: 'role', role: 'cut', label: '剪切' },
        { kind: 'role', role: 'copy', label: '复制' },
        { kind: 'role', role: 'paste', label: '粘贴' },
        { kind: 'role', role: 'selectAll', label: '全选' },
      ],
    },
    {
      kind: 'submenu',
      label: '视图(&V)',
      items: [
        { kind: 'command', command: 'toggle-fullscreen', label: '全屏', accelerator: 'F11' },
        // Kiosk is for class on a touch board: full screen without the task bar, so pupils cannot wander off.
        { kind: 'command', command: 'toggle-kiosk', label: '课堂模式（锁定全屏）', accelerator: 'CmdOrCtrl+Shift+K' },
        sep,
        { kind: 'role', role: 'zoomIn', label: '放大' },
        { kind: 'role', role: 'zoomOut', label: '缩小' },
        { kind: 'role', role: 'resetZoom', label: '实际大小' },
        // Reload and developer tools only in development: a reload mid-lesson drops the live stream.
        ...(isPackaged
          ? []
          : ([sep, { kind: 'role', role: 'reload', label: '重新加载' }, { kind: 'role', role: 'toggleDevTools', label: '开发者工具' }] as const)),
      ],
    },
    {
      kind: 'submenu',
      label: '帮助(&H)',
      items: [
        { kind: 'command', command: 'check-updates', label: '检查更新' },
        { kind: 'command', command: 'open-log-folder', label: '打开日志文件夹' },
        sep,
        { kind: 'command', command: 'about', label: '关于云课堂接收端' },
      ],
    },
  ];
}

/** Every item of a template, depth first (for checks and for finding a command's accelerator). */
export function flattenMenu(items: MenuItemSpec[]): MenuItemSpec[] {
  return items.flatMap((item) => (item.kind === 'submenu' ? [item, ...flattenMenu(item.items)] : [item]));
}
