// Errors of key generation, JWKS building, key sets and publication. Messages name the cause and
// never carry key material.
import { AdcpError } from '../errors/adcp-error.js';

/** Codes of {@link KeyManagementError}. */
export type KeyManagementErrorCode =
  | 'ADCP_KEYS_ALG_UNKNOWN'
  | 'ADCP_KEYS_PURPOSE_UNKNOWN'
  | 'ADCP_KEYS_PRIVATE_MEMBER'
  | 'ADCP_KEYS_INVALID_KEY'
  | 'ADCP_KEYS_KID_COLLISION'
  | 'ADCP_KEYS_NO_ACTIVE_KEY'
  | 'ADCP_KEYS_INVALID_OPTION';

/** A key, key set or publication option is unusable; `code` names which rule it broke. */
export class KeyManagementError extends AdcpError<KeyManagementErrorCode> {}
