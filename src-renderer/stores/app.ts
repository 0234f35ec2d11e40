import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo } from '../../src-shared/contract';
import { ApiCallError, call } from '../host/api';

export type ViewName = 'projects' | 'editor' | 'train' | 'compare';
export const VIEWS: readonly { readonly name: ViewName; readonly title: string; readonly key: string }[] = [
  { name: 'projects', title: 'Projects', key: '1' },
  { name: 'editor', title: 'Network', key: '2' },
  { name: 'train', title: 'Training', key: '3' },
  { name: 'compare', title: 'Compare', key: '4' },
];

export type Theme = 'light' | 'dark';

export interface Toast {
  readonly id: number;
  readonly kind: 'error' | 'info';
  readonly title: string;
  readonly text: string;
}

function initialTheme(): Theme {
  const saved = localStorage.getItem('apical-theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** The shell: which view shows, the theme, the host's info, messages for the user. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const view = ref<ViewName>('projects');
  const theme = ref<Theme>(initialTheme());
  const connected = ref(true);
  const toasts = ref<Toast[]>([]);
  const showShortcuts = ref(false);
  let nextId = 1;

  async function load(): Promise<void> {
    info.value = await call('appInfo', {});
  }

  function show(name: ViewName): void {
    view.value = name;
  }

  function toggleTheme(): void {
    theme.value = theme.value === 'dark' ? 'light' : 'dark';
    localStorage.setItem('apical-theme', theme.value);
  }

  function notify(kind: Toast['kind'], title: string, text = ''): void {
    toasts.value = [...toasts.value.slice(-4), { id: nextId++, kind, title, text }];
  }

  /** Shows an error readably: what was tried, the host's message, the JSON paths at fault. */
  function fail(action: string, e: unknown): void {
    if (e instanceof ApiCallError) {
      const issues = e.issues?.length ? `\n${e.issues.slice(0, 6).map((i) => `• ${i.path}: ${i.message}`).join('\n')}` : '';
      notify('error', `Could not ${action}`, `${e.issues?.length ? e.message.split(':')[0] : e.message}${issues}`);
    } else {
      notify('error', `Could not ${action}`, e instanceof Error ? e.message : String(e));
    }
  }

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  return { info, view, theme, connected, toasts, showShortcuts, load, show, toggleTheme, notify, fail, dismiss };
});
