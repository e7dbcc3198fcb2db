// Redis for the receiver store tests: the local server, one fresh key prefix per subject, its keys
// deleted afterwards.
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.ADCP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes every key under `prefix`'s hash tag. */
export async function dropRedisKeys(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, found] = await client.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
      if (found.length > 0) await client.del(...found);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await client.quit();
  }
}
