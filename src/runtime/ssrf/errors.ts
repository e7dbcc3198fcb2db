// Errors the guarded connector hands to undici; the delivery runtime maps them to error classes.
// Their messages are deliberately generic: no resolved address or other network detail.

export class SsrfBlockedError extends Error {
  readonly code = 'ADCP_SSRF_BLOCKED';
  constructor() {
    super('destination is not allowed by the SSRF policy');
    this.name = 'SsrfBlockedError';
  }
}

export class DnsFailureError extends Error {
  readonly code = 'ADCP_DNS_FAILURE';
  constructor() {
    super('destination host name could not be resolved');
    this.name = 'DnsFailureError';
  }
}
