export { isDeniedAddress } from './deny-list.js';
export { isLocalHostName, normalizeHostName } from './host-names.js';
export { HARDENED_WEBHOOK_PORTS, resolveSsrfPolicy, type SsrfOptions, type SsrfPolicy } from './policy.js';
export { checkTargetUrl, type TargetCheck, type WebhookTarget } from './target-url.js';
export { systemResolver, type HostResolver, type ResolvedAddress } from './resolver.js';
export { createGuardedConnector, type GuardedConnectorOptions, type SocketConnector } from './guarded-connector.js';
export { DnsFailureError, SsrfBlockedError } from './errors.js';
