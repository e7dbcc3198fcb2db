// The signers' refusal of ambiguous bodies: duplicate object keys (or bytes that are not JSON) are
// refused before signing, except for bodies the delivery runtime serialized itself.
import { assertNoDuplicateKeys } from '../json/duplicate-keys.js';
import { isRuntimeSerializedBody } from './serialized-bodies.js';

export function refuseAmbiguousBody(body: Uint8Array): void {
  if (!isRuntimeSerializedBody(body)) assertNoDuplicateKeys(body);
}
