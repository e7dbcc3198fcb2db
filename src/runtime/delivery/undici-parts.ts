// The two parts of undici the runtime uses — Agent and the socket connector — loaded on their own.
// The package entry also initialises fetch, WebSocket, caches and mocks, about 10 MB of resident
// memory a webhook sender never uses. The deep paths are undici internals (stable across 6.x and
// 7.x); should a future undici move them, the package entry is used instead.
import { createRequire } from 'node:module';
import type { Agent as UndiciAgent, buildConnector as undiciBuildConnector } from 'undici';

const require = createRequire(import.meta.url);

function load<T>(deepPath: string, fromEntry: (entry: typeof import('undici')) => T): T {
  try {
    const part: unknown = require(deepPath);
    if (typeof part === 'function') return part as T;
  } catch {
    // fall through to the package entry
  }
  return fromEntry(require('undici') as typeof import('undici'));
}

export const Agent: typeof UndiciAgent = load('undici/lib/dispatcher/agent.js', (entry) => entry.Agent);
export const buildConnector: typeof undiciBuildConnector = load('undici/lib/core/connect.js', (entry) => entry.buildConnector);
