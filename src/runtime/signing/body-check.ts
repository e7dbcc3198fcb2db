// The signers' refusal of ambiguous bodies: duplicate object keys (or bytes that are not JSON) are
// refused before signing, except for bodies the delivery runtime serialized itself. `options`
// widen what counts as JSON for a scheme that signs bytes (LEGACY_HMAC_BODY_SCAN).
import { assertNoDuplicateKeys, type DuplicateKeyScanOptions } from '../json/duplicate-keys.js';
import { isRuntimeSerializedBody } from './serialized-bodies.js';

export function refuseAmbiguousBody(body: Uint8Array, options?: DuplicateKeyScanOptions): void {
  if (!isRuntimeSerializedBody(body)) assertNoDuplicateKeys(body, options);
}
