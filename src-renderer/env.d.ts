/// <reference types="vite/client" />
import type { ApicalApi } from '../src-shared/contract';

declare global {
  interface Window {
    /** the preload's verbs (Electron only; the browser talks to the web host) */
    readonly apical?: ApicalApi;
    /** read-only view of the live charts, for end-to-end tests */
    __apicalCharts?: { names(): string[]; series(name: string): { name: string; points: number }[] };
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
