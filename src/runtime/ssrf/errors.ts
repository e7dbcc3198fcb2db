// Errors the guarded connector hands to undici; the delivery runtime maps them to error classes.
// Their messages are deliberately generic: no resolved address or other network detail.
import { AdcpError } from '../errors/adcp-error.js';

/**
 * The destination is refused by the SSRF policy: it resolves to a private, loopback, link-local,
 * metadata or otherwise denied address, or uses a port outside the allowed set (security.mdx
 * "Webhook URL validation (SSRF)"). Code `ADCP_SSRF_BLOCKED`; delivery error class `ssrf_blocked`.
 */
export class SsrfBlockedError extends AdcpError<'ADCP_SSRF_BLOCKED'> {
  constructor() {
    super('ADCP_SSRF_BLOCKED', 'destination is not allowed by the SSRF policy');
  }
}

/** The destination host name did not resolve. Code `ADCP_DNS_FAILURE`; delivery error class `dns_failure`. */
export class DnsFailureError extends AdcpError<'ADCP_DNS_FAILURE'> {
  constructor() {
    super('ADCP_DNS_FAILURE', 'destination host name could not be resolved');
  }
}
