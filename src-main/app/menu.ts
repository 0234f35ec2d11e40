import { Menu, app } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentProject } from '../../src-shared/contract';

/** The application menu; commands that concern the UI are sent to the window to carry out. */
export function buildMenu(recent: readonly RecentProject[], send: (c: MenuCommand) => void, dev: boolean): Menu {
  const cmd = (command: MenuCommand['command'], argument?: string) => () => send({ command, argument });
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: cmd('new-project') },
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: cmd('open-project') },
        {
          label: 'Open Recent',
          submenu: recent.length === 0 ? [{ label: 'No recent projects', enabled: false }] : recent.filter((r) => r.exists).map((r) => ({ label: `${r.name} — ${r.dir}`, click: cmd('open-recent', r.dir) })),
        },
        { label: 'Save Circuit', accelerator: 'CmdOrCtrl+S', click: cmd('save') },
        { label: 'Close Project', click: cmd('close-project') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: cmd('undo') },
        { label: 'Redo', accelerator: 'CmdOrCtrl+Shift+Z', click: cmd('redo') },
        { type: 'separator' },
        { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        { label: 'Projects', accelerator: 'CmdOrCtrl+1', click: cmd('show-view', 'projects') },
        { label: 'Network Editor', accelerator: 'CmdOrCtrl+2', click: cmd('show-view', 'editor') },
        { label: 'Training', accelerator: 'CmdOrCtrl+3', click: cmd('show-view', 'train') },
        { label: 'Compare Runs', accelerator: 'CmdOrCtrl+4', click: cmd('show-view', 'compare') },
        { type: 'separator' },
        { label: 'Toggle Dark Theme', accelerator: 'CmdOrCtrl+Shift+L', click: cmd('toggle-theme') },
        { role: 'togglefullscreen' },
        ...(dev ? [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
    { role: 'help', submenu: [{ label: `Apical ${app.getVersion()}`, enabled: false }] },
  ];
  return Menu.buildFromTemplate(template);
}
