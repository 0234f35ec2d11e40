import { onBeforeUnmount, onMounted } from 'vue';
import { VIEWS, useAppStore } from '../stores/app';
import { useEditorStore } from '../stores/editor';
import { useTrainingStore } from '../stores/training';

export const SHORTCUTS: readonly { readonly keys: string; readonly what: string }[] = [
  { keys: 'Ctrl+S', what: 'save the circuit into the project' },
  { keys: 'Ctrl+Z / Ctrl+Shift+Z', what: 'undo / redo in the network editor' },
  { keys: 'Ctrl+1 … Ctrl+4', what: 'projects, network, training, compare' },
  { keys: 'Ctrl+Enter', what: 'start training (training view)' },
  { keys: 'Space', what: 'pause / continue the run (training view)' },
  { keys: 'Ctrl+Shift+L', what: 'light / dark theme' },
  { keys: '?', what: 'this list' },
];

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** The app's keyboard shortcuts (the desktop menu sends the same commands). */
export function useShortcuts(actions: { save: () => void }): void {
  const app = useAppStore();
  const editor = useEditorStore();
  const training = useTrainingStore();

  const onKey = (e: KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (mod && key === 's') {
      e.preventDefault();
      actions.save();
    } else if (mod && (key === 'z' || key === 'y') && app.view === 'editor' && !(e.target as HTMLElement | null)?.matches('textarea')) {
      e.preventDefault();
      if (key === 'y' || e.shiftKey) editor.redo();
      else editor.undo();
    } else if (mod && e.shiftKey && key === 'l') {
      e.preventDefault();
      app.toggleTheme();
    } else if (mod && VIEWS.some((v) => v.key === e.key)) {
      e.preventDefault();
      app.show(VIEWS.find((v) => v.key === e.key)?.name ?? 'projects');
    } else if (mod && key === 'enter' && app.view === 'train' && !training.isActive()) {
      e.preventDefault();
      void training.start();
    } else if (!mod && e.key === ' ' && app.view === 'train' && !typing(e.target) && training.isActive()) {
      e.preventDefault();
      if (training.state === 'paused') void training.resumeTraining();
      else if (training.state === 'running') void training.pause();
    } else if (!mod && e.key === '?' && !typing(e.target)) {
      app.showShortcuts = !app.showShortcuts;
    } else if (e.key === 'Escape') {
      app.showShortcuts = false;
    }
  };
  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));
}
