// Maps a transport failure (undici, node:net/tls, the SSRF guard) to an error class. Only the
// error's code and type are read; its message (which may name addresses) never goes anywhere.
import type { DeliveryErrorClass } from './error-class.js';

const BY_CODE: Readonly<Record<string, DeliveryErrorClass>> = {
  ADCP_SSRF_BLOCKED: 'ssrf_blocked',
  ADCP_DNS_FAILURE: 'dns_failure',
  ADCP_DELIVERY_ATTEMPT_TIMEOUT: 'timeout',
  ENOTFOUND: 'dns_failure',
  EAI_AGAIN: 'dns_failure',
  EAI_FAIL: 'dns_failure',
  EAI_NONAME: 'dns_failure',
  UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
  ETIMEDOUT: 'connect_timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ECONNREFUSED: 'connect_error',
  EHOSTUNREACH: 'connect_error',
  ENETUNREACH: 'connect_error',
  EADDRNOTAVAIL: 'connect_error',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ECONNABORTED: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  UND_ERR_CLOSED: 'closed',
  UND_ERR_DESTROYED: 'closed',
  HPE_INVALID_CONSTANT: 'protocol_error',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'protocol_error',
  UND_ERR_INFO: 'protocol_error',
  UND_ERR_HEADERS_OVERFLOW: 'response_headers_too_large',
  HPE_HEADER_OVERFLOW: 'response_headers_too_large',
};

export function classifyTransportError(error: unknown): DeliveryErrorClass {
  const code = codeOf(error);
  const known = code === undefined ? undefined : BY_CODE[code];
  if (known !== undefined) return known;
  if (code !== undefined && isTlsCode(code)) return 'tls_error';
  if (code !== undefined && code.startsWith('HPE_')) return 'protocol_error';
  if (error instanceof Error && error.name === 'HTTPParserError') return 'protocol_error';
  return 'network_error';
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function isTlsCode(code: string): boolean {
  return (
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code.includes('CERT') ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
  );
}
