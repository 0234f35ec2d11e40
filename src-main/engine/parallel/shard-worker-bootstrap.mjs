// Starts the shard thread from TypeScript sources (CLI and tests run through tsx).
import { register } from 'tsx/esm/api';

register();
await import('./shard-worker.ts');
