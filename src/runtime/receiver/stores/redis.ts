// The fleet receiver stores on Redis. Every operation is one Lua script, which Redis runs atomically:
// the replay lookup, both cap checks and the insert happen with no other command in between, so the
// caps are exact across the fleet (security.mdx "Webhook replay dedup sizing": "a Lua script … that
// returns an over-cap sentinel"). All keys of one prefix share a hash tag, so a cluster keeps them in
// one slot.
//
// Replay entries live in two sorted sets scored by expiry: one per keyid (its count is the per-keyid
// cap's) and one across all keyids (the aggregate cap's, and the index that finds expired entries).
// Expiry decisions use the callers' `now`; Redis key TTLs only collect idle per-keyid sets and dedup
// records, and are always set past the moment the callers' clock would let the entry go.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redactUrl } from '../../logging/logger.js';
import type { DedupClaim, DedupEvent, DedupToken, EventDedupStore, NonceAdmission, NonceEntry, NonceStore } from '../store-contract.js';
import {
  DEFAULT_RECEIVER_PREFIX,
  ReceiverStoreError,
  assertPrefix,
  closedError,
  resolveLimits,
  type NonceStoreLimits,
  type ResolvedLimits,
} from './limits.js';
import { admissionOf } from './limits.js';

/** Options of the Redis receiver stores. */
export interface RedisReceiverStoreOptions extends NonceStoreLimits {
  /** Prefix of every key (inside a `{…}` hash tag); default `adcp_recv_`. */
  readonly keyPrefix?: string;
  /** Bound on establishing the connection; default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Bound on each command; default 10000 ms. */
  readonly commandTimeoutMs?: number;
}

/** How often (in the callers' clock) expired replay entries are purged outside cap pressure. */
const PURGE_INTERVAL_SECONDS = 60;
/** Expired entries one script call removes, so no call blocks Redis for long. */
const PURGE_BATCH = 5000;
/** Slack added to every key TTL so Redis never drops state before the callers' clock would. */
const TTL_MARGIN_SECONDS = 120;

// Removes expired members (at most ARGV[2] of them) from the aggregate set and their keyid's set.
// A member is `<byte length of keyid>:<keyid><byte length of scope>:<scope><nonce>`.
const PURGE_FUNCTION = `
local function keyidOf(member)
  local colon = string.find(member, ':', 1, true)
  local length = tonumber(string.sub(member, 1, colon - 1))
  return string.sub(member, colon + 1, colon + length)
end
local function purge(all, keyidPrefix, now, limit)
  local expired = redis.call('ZRANGEBYSCORE', all, '-inf', now, 'LIMIT', 0, limit)
  for _, member in ipairs(expired) do
    redis.call('ZREM', all, member)
    redis.call('ZREM', keyidPrefix .. keyidOf(member), member)
  end
  return #expired
end`;

// KEYS: aggregate set, keyid set. ARGV: member, expiresAt, now, keyid cap, aggregate cap,
// purge batch, keyid-set prefix, ttl seconds. Returns replayed | per_keyid | aggregate | new | admitted.
const ADMIT_SCRIPT = `${PURGE_FUNCTION}
local all, keyidSet = KEYS[1], KEYS[2]
local member, expiresAt, now = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local keyidCap, aggregateCap, batch = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local held = redis.call('ZSCORE', keyidSet, member)
if held and tonumber(held) > now then return 'replayed' end
local latest = redis.call('ZRANGE', keyidSet, -1, -1, 'WITHSCORES')[2]
local isNew = latest == nil or tonumber(latest) <= now
if not held then
  if redis.call('ZCARD', keyidSet) >= keyidCap then
    for _, gone in ipairs(redis.call('ZRANGEBYSCORE', keyidSet, '-inf', now)) do
      redis.call('ZREM', keyidSet, gone)
      redis.call('ZREM', all, gone)
    end
    if redis.call('ZCARD', keyidSet) >= keyidCap then return 'per_keyid' end
  end
  if redis.call('ZCARD', all) >= aggregateCap then
    purge(all, ARGV[7], now, batch)
    if redis.call('ZCARD', all) >= aggregateCap then return 'aggregate' end
  end
end
redis.call('ZADD', all, expiresAt, member)
redis.call('ZADD', keyidSet, expiresAt, member)
local ttl = tonumber(ARGV[8])
if redis.call('TTL', keyidSet) < ttl then redis.call('EXPIRE', keyidSet, ttl) end
if isNew then return 'new' end
return 'admitted'`;

// KEYS: aggregate set. ARGV: now, batch, keyid-set prefix. Returns how many entries it removed.
const PURGE_SCRIPT = `${PURGE_FUNCTION}
return purge(KEYS[1], ARGV[3], tonumber(ARGV[1]), tonumber(ARGV[2]))`;

// Dedup record: hash { s = claimed|done, c = claim id, x = lease or retention end (ms), n = claim time (ms) }.
// KEYS: record. ARGV: claim id, now, lease end, ttl ms.
const BEGIN_SCRIPT = `
local record = redis.call('HMGET', KEYS[1], 's', 'x')
if record[1] and tonumber(record[2]) > tonumber(ARGV[2]) then
  if record[1] == 'done' then return 'duplicate' end
  return 'in_progress'
end
redis.call('HSET', KEYS[1], 's', 'claimed', 'c', ARGV[1], 'x', ARGV[3], 'n', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 'claimed'`;

// KEYS: record. ARGV: claim id, retain until (ms), ttl margin (ms). The TTL counts from the claim's
// own time, so it outlasts the retention whatever the handler took.
const COMPLETE_SCRIPT = `
local record = redis.call('HMGET', KEYS[1], 's', 'c', 'n')
if record[1] ~= 'claimed' or record[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 's', 'done', 'x', ARGV[2])
redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2]) - tonumber(record[3]) + tonumber(ARGV[3])))
return 1`;

// KEYS: record. ARGV: claim id.
const RELEASE_SCRIPT = `
local record = redis.call('HMGET', KEYS[1], 's', 'c')
if record[1] ~= 'claimed' or record[2] ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

/** One Lua script run by hash, loaded again when the server has flushed its script cache. */
class LuaScript {
  #sha: string | undefined;
  constructor(
    private readonly source: string,
    private readonly keyCount: number,
  ) {}

  async run(client: Redis, args: ReadonlyArray<string | number>): Promise<unknown> {
    this.#sha ??= (await client.script('LOAD', this.source)) as string;
    try {
      return await client.evalsha(this.#sha, this.keyCount, ...args);
    } catch (error) {
      if (!String((error as Error | null)?.message).startsWith('NOSCRIPT')) throw error;
      this.#sha = (await client.script('LOAD', this.source)) as string;
      return client.evalsha(this.#sha, this.keyCount, ...args);
    }
  }
}

const SCRIPTS = {
  admit: new LuaScript(ADMIT_SCRIPT, 2),
  purge: new LuaScript(PURGE_SCRIPT, 1),
  begin: new LuaScript(BEGIN_SCRIPT, 1),
  complete: new LuaScript(COMPLETE_SCRIPT, 1),
  release: new LuaScript(RELEASE_SCRIPT, 1),
};

function keys(prefix: string) {
  const tag = `{${prefix}}:`;
  return { all: `${tag}nonces`, keyidSet: `${tag}keyid:`, event: `${tag}event:` };
}

async function connect(url: string, options: RedisReceiverStoreOptions): Promise<{ client: Redis; prefix: string }> {
  const prefix = options.keyPrefix ?? DEFAULT_RECEIVER_PREFIX;
  assertPrefix(prefix);
  let client: Redis;
  try {
    client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      commandTimeout: options.commandTimeoutMs ?? 10_000,
      maxRetriesPerRequest: 2,
    });
  } catch (error) {
    throw redisFailure(error, url);
  }
  // Connection errors surface on the commands; an unhandled 'error' event would only be logged.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return { client, prefix };
  } catch (error) {
    client.disconnect();
    throw redisFailure(error, url);
  }
}

/** Names the cause without the password or query of the URL. */
function redisFailure(error: unknown, url: string): ReceiverStoreError {
  if (error instanceof ReceiverStoreError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ReceiverStoreError('ADCP_RECEIVER_STORE_FAILED', `Redis receiver store ${redactUrl(url)}: ${detail}`, { cause: error });
}

/**
 * Connects to Redis and returns a {@link NonceStore} every process of a fleet can share
 * (building/by-layer/L1/security.mdx — "Cross-endpoint scoping", option 1; caps per "Webhook replay
 * dedup sizing", enforced in one Lua script per admission).
 */
export async function openRedisNonceStore(url: string, options: RedisReceiverStoreOptions = {}): Promise<RedisNonceStore> {
  const { client, prefix } = await connect(url, options);
  return new RedisNonceStore(client, prefix, url, resolveLimits(options));
}

/**
 * Connects to Redis and returns an {@link EventDedupStore} every process of a fleet can share
 * (building/by-layer/L3/webhooks.mdx — "Reliability"). Durable for 24 h only when the server
 * persists (AOF or RDB) — an in-memory-only Redis loses the dedup state on its own restart.
 */
export async function openRedisEventDedupStore(url: string, options: RedisReceiverStoreOptions = {}): Promise<RedisEventDedupStore> {
  const { client, prefix } = await connect(url, options);
  return new RedisEventDedupStore(client, prefix, url);
}

/** Redis-backed {@link NonceStore}; see {@link openRedisNonceStore}. */
export class RedisNonceStore implements NonceStore {
  readonly #client: Redis;
  readonly #keys: ReturnType<typeof keys>;
  readonly #url: string;
  readonly #limits: ResolvedLimits;
  #nextPurge = 0;
  #closed = false;

  constructor(client: Redis, prefix: string, url: string, limits: ResolvedLimits) {
    this.#client = client;
    this.#keys = keys(prefix);
    this.#url = url;
    this.#limits = limits;
  }

  async admit(entry: NonceEntry): Promise<NonceAdmission> {
    if (this.#closed) throw closedError('Redis');
    const { keyid, scope, nonce, expiresAt, now } = entry;
    if (now >= this.#nextPurge) this.#purgeInBackground(now);
    const ttl = Math.max(1, Math.ceil(expiresAt - now)) + TTL_MARGIN_SECONDS;
    try {
      const outcome = await SCRIPTS.admit.run(this.#client, [
        this.#keys.all,
        this.#keys.keyidSet + keyid,
        member(keyid, scope, nonce),
        expiresAt,
        now,
        this.#limits.perKeyidCap,
        this.#limits.aggregateCap,
        PURGE_BATCH,
        this.#keys.keyidSet,
        ttl,
      ]);
      return admissionOf(outcome);
    } catch (error) {
      throw redisFailure(error, this.#url);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.quit().catch(() => this.#client.disconnect());
  }

  #purgeInBackground(now: number): void {
    this.#nextPurge = now + PURGE_INTERVAL_SECONDS;
    const purgeAll = async (): Promise<void> => {
      let removed = PURGE_BATCH;
      while (removed === PURGE_BATCH && !this.#closed) {
        removed = Number(await SCRIPTS.purge.run(this.#client, [this.#keys.all, now, PURGE_BATCH, this.#keys.keyidSet]));
      }
    };
    purgeAll().catch(() => undefined);
  }
}

function member(keyid: string, scope: string, nonce: string): string {
  return `${Buffer.byteLength(keyid)}:${keyid}${Buffer.byteLength(scope)}:${scope}${nonce}`;
}

/** Redis-backed {@link EventDedupStore}; see {@link openRedisEventDedupStore}. */
export class RedisEventDedupStore implements EventDedupStore {
  readonly #client: Redis;
  readonly #keys: ReturnType<typeof keys>;
  readonly #url: string;
  #closed = false;

  constructor(client: Redis, prefix: string, url: string) {
    this.#client = client;
    this.#keys = keys(prefix);
    this.#url = url;
  }

  async begin(event: DedupEvent): Promise<DedupClaim> {
    const { sender, idempotencyKey, nowMs, leaseMs } = event;
    const claimId = randomUUID();
    const ttlMs = Math.max(1, Math.ceil(leaseMs)) + TTL_MARGIN_SECONDS * 1000;
    const outcome = await this.#run(SCRIPTS.begin, [this.#record(sender, idempotencyKey), claimId, nowMs, nowMs + leaseMs, ttlMs]);
    if (outcome === 'claimed') return { outcome: 'claimed', token: { sender, idempotencyKey, claimId } };
    return outcome === 'duplicate' ? { outcome: 'duplicate' } : { outcome: 'in_progress' };
  }

  async complete(claim: DedupToken, retainUntilMs: number): Promise<void> {
    const record = this.#record(claim.sender, claim.idempotencyKey);
    await this.#run(SCRIPTS.complete, [record, claim.claimId, retainUntilMs, TTL_MARGIN_SECONDS * 1000]);
  }

  async release(claim: DedupToken): Promise<void> {
    await this.#run(SCRIPTS.release, [this.#record(claim.sender, claim.idempotencyKey), claim.claimId]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.quit().catch(() => this.#client.disconnect());
  }

  #record(sender: string, idempotencyKey: string): string {
    return `${this.#keys.event}${Buffer.byteLength(sender)}:${sender}${idempotencyKey}`;
  }

  async #run(script: LuaScript, args: ReadonlyArray<string | number>): Promise<unknown> {
    if (this.#closed) throw closedError('Redis');
    try {
      return await script.run(this.#client, args);
    } catch (error) {
      throw redisFailure(error, this.#url);
    }
  }
}
