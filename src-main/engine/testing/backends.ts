/**
 * One suite over every available backend (in the manner of tfjs's describeWithFlags over
 * ALL_ENVS). tfjs has one global engine, so each backend's block switches it in beforeAll
 * and the blocks run one after the other.
 */
import { beforeAll, describe } from 'vitest';
import { tf } from '../tensor/tf';
import { initBackend } from '../tensor/backend';

export type TestBackend = 'cpu' | 'wasm' | 'webgpu';

let available: Promise<TestBackend[]> | null = null;

/**
 * cpu and wasm always; webgpu when initBackend('webgpu') succeeds (a software adapter such
 * as lavapipe counts; it is slow, so keep webgpu cases tiny). Set APICAL_TEST_WEBGPU=0 to
 * leave webgpu out. Probed once; the backend in use before the probe is restored.
 */
export function availableBackends(): Promise<TestBackend[]> {
  available ??= (async () => {
    const before = tf.getBackend();
    const list: TestBackend[] = ['cpu', 'wasm'];
    if (process.env.APICAL_TEST_WEBGPU !== '0') {
      try {
        await initBackend('webgpu');
        list.push('webgpu');
      } catch {
        // no adapter: webgpu is simply not in the list
      }
    }
    await useBackend((before as TestBackend | undefined) ?? 'cpu');
    return list;
  })();
  return available;
}

/** Makes `name` the global backend (initialising wasm / webgpu on first use). */
export async function useBackend(name: TestBackend): Promise<void> {
  await initBackend(name);
  if (tf.getBackend() !== name) throw new Error(`could not switch to backend ${name}`);
}

/**
 * describe(`${name} [backend]`) once per available backend, with the backend switched on
 * in beforeAll. Everything a block creates must be created inside it (in hooks or tests).
 */
export function describeEachBackend(name: string, fn: (backend: TestBackend) => void): void {
  describe(name, async () => {
    for (const backend of await availableBackends()) {
      describe(`[${backend}]`, () => {
        beforeAll(async () => {
          await useBackend(backend);
        });
        fn(backend);
      });
    }
  });
}
