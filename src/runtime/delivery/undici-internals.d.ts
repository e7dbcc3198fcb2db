// Types for the two undici internals undici-parts.ts loads directly (CommonJS modules whose
// `module.exports` is the class / function the package entry re-exports).
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';
  const AgentClass: typeof Agent;
  export default AgentClass;
}

declare module 'undici/lib/core/connect.js' {
  import type { buildConnector } from 'undici';
  const buildConnectorFunction: typeof buildConnector;
  export default buildConnectorFunction;
}
