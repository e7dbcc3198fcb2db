// The SSRF policy the delivery runtime enforces for every outbound webhook, and the one loudly
// named escape hatch for tests and local development.
import { guardLogger, type Logger } from '../logging/logger.js';

/** The opt-in hardened destination ports (building/by-layer/L1/security.mdx "Webhook URL validation (SSRF)"). The default allows every port. */
export const HARDENED_WEBHOOK_PORTS: readonly number[] = Object.freeze([443, 8443]);

/**
 * SSRF policy options (security.mdx "Webhook URL validation (SSRF)"): allowed ports (default every port; pass
 * {@link HARDENED_WEBHOOK_PORTS} to harden) and a test-only escape hatch. The address deny list is on by default.
 */
export interface SsrfOptions {
  /**
   * DANGEROUS — tests and local development only. Allows `http:` URLs and private, loopback and
   * other denied addresses. Logged as a warning once per process.
   */
  readonly unsafeAllowPrivateNetwork?: boolean;
  /** Destination ports allowed; default: every port. Pass `HARDENED_WEBHOOK_PORTS` to harden. */
  readonly allowedPorts?: readonly number[];
}

export interface SsrfPolicy {
  readonly allowPrivateNetwork: boolean;
  readonly allowedPorts: ReadonlySet<number> | undefined;
}

let warnedAboutUnsafeMode = false;

export function resolveSsrfPolicy(options: SsrfOptions = {}, logger?: Logger): SsrfPolicy {
  const allowPrivateNetwork = options.unsafeAllowPrivateNetwork === true;
  if (allowPrivateNetwork && !warnedAboutUnsafeMode) {
    warnedAboutUnsafeMode = true;
    guardLogger(logger).log('warn', 'SSRF guard disabled: unsafeAllowPrivateNetwork allows http and private addresses; never use it in production');
  }
  const allowedPorts = options.allowedPorts === undefined ? undefined : new Set(options.allowedPorts);
  return { allowPrivateNetwork, allowedPorts };
}
