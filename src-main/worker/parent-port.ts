import type { WorkerMessage } from '../../src-shared/worker-protocol';

/** The worker's line to its host: Electron's utilityProcess parentPort, or Node's IPC channel. */
export interface ParentPort {
  send(message: WorkerMessage): Promise<void>;
  onMessage(listener: (message: unknown) => void): void;
  /** called when the host goes away */
  onDisconnect(listener: () => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

export function connectParentPort(): ParentPort {
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      send: async (m) => electronPort.postMessage(m),
      onMessage: (listener) => electronPort.on('message', (e) => listener(e.data)),
      onDisconnect: () => undefined,
    };
  }
  const send = process.send?.bind(process);
  if (!send) throw new Error('the engine worker must be started by a host (child_process.fork or utilityProcess.fork)');
  return {
    send: (m) => new Promise((resolve) => {
      if (!process.connected) return resolve();
      send(m, undefined, undefined, () => resolve());
    }),
    onMessage: (listener) => process.on('message', listener),
    onDisconnect: (listener) => process.on('disconnect', listener),
  };
}
