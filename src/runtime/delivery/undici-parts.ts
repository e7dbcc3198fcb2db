// The two parts of undici the runtime uses — Agent and the socket connector — loaded on their own.
// The package entry also initialises fetch, WebSocket, caches and mocks: about 10 MB of resident
// memory a webhook sender never uses. The deep paths are undici internals, stable across 6.x and
// 7.x (package.json pins ^7); their types are declared in undici-internals.d.ts.
import type { Agent as UndiciAgent, buildConnector as undiciBuildConnector } from 'undici';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import buildConnectorFunction from 'undici/lib/core/connect.js';

export const Agent: typeof UndiciAgent = AgentClass;
export const buildConnector: typeof undiciBuildConnector = buildConnectorFunction;
