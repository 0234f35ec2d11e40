/** What the renderer exposes to tests (see src-renderer/charts/registry.ts) and the long-task observer. */
export {};

declare global {
  interface Window {
    __apicalCharts?: { names(): string[]; series(name: string): { name: string; points: number }[] };
    __longTasks?: { start: number; duration: number }[];
  }
}
