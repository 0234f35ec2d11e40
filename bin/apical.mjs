#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx, so `npx apical` works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../src-main/cli/main.ts');
