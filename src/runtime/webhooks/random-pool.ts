// Cryptographically random bytes served from a refilled pool: one randomFillSync per 4 KiB instead
// of one randomBytes call (a syscall-sized cost) per idempotency key. The same technique node:crypto
// uses for randomUUID. Callers receive a view into the pool and must copy it before the next call
// (the generated builder does: Buffer.from(view)).
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

export function pooledRandomBytes(size: number): Uint8Array {
  if (size > POOL_BYTES) return randomFillSync(Buffer.allocUnsafe(size));
  if (offset + size > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const view = pool.subarray(offset, offset + size);
  offset += size;
  return view;
}
