// The two parts of undici the runtime uses — Agent and the socket connector — from the package's
// public entry. That entry also loads fetch, WebSocket, caches and mocks (≈ 115 ms and ≈ 9 MB more
// on a cold start than loading the two modules alone, and ≈ 8 MB more peak RSS: BENCHMARKS.md "Sender");
// public API is what survives an upgrade, so the runtime pays that once per process.
export { Agent, buildConnector } from 'undici';
