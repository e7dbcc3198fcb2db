// The SQL of the PostgreSQL outbox, named so each connection prepares it once. Writes take arrays
// (`unnest`), so one statement carries a whole batch of enqueues or outcomes.
import type pg from 'pg';
import type { PostgresTables } from './postgres-schema.js';

export type PostgresStatements = ReturnType<typeof postgresStatements>;

export function postgresStatements(t: PostgresTables) {
  const table = t.deliveries;
  const named = (name: string, text: string): pg.QueryConfig => ({ name: `${t.channel}_${name}`, text });
  const signable = `($5::text[] IS NULL OR EXISTS (
      SELECT 1 FROM unnest($5::text[], $6::text[]) AS f(mode, ref)
      WHERE f.mode = signing_mode AND f.ref = COALESCE(signing_ref, '')))`;
  return {
    // The NOTIFY rides in the same statement, and PostgreSQL delivers it only once the rows commit.
    enqueue: named(
      'enqueue',
      `WITH inserted AS (
         INSERT INTO ${table} (id, idempotency_key, url, body, signing_mode, signing_ref, labels, status,
                               next_attempt_at, created_at, updated_at)
         SELECT id, idempotency_key, url, body, signing_mode, signing_ref, labels, 'pending', next_attempt_at, now, now
         FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::text[], $7::jsonb[], $8::int8[], $9::int8[])
           AS v(id, idempotency_key, url, body, signing_mode, signing_ref, labels, next_attempt_at, now)
         ON CONFLICT (id) DO NOTHING
         RETURNING 1)
       SELECT pg_notify('${t.channel}', '') WHERE EXISTS (SELECT 1 FROM inserted)`,
    ),
    // Expired leases and due pending rows, each in due order through its own partial index; rows
    // another replica is claiming right now are skipped, not waited for.
    claim: named(
      'claim',
      `WITH expired AS (
         SELECT id, next_attempt_at FROM ${table}
         WHERE status = 'in_flight' AND lease_expires_at <= $1 AND ${signable}
         ORDER BY lease_expires_at LIMIT $2 FOR UPDATE SKIP LOCKED),
       due AS (
         SELECT id, next_attempt_at FROM ${table}
         WHERE status = 'pending' AND next_attempt_at <= $1 AND ${signable}
         ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED),
       picked AS (
         SELECT id FROM (SELECT * FROM expired UNION ALL SELECT * FROM due) candidates
         ORDER BY next_attempt_at LIMIT $2)
       UPDATE ${table} AS d SET status = 'in_flight', lease_owner = $3, lease_expires_at = $4, updated_at = $1
       FROM picked WHERE d.id = picked.id
       RETURNING d.*`,
    ),
    // Every outcome (delivered, retry, failed) of a batch in one statement. With an owner given, a
    // row is changed only while that worker still holds its lease.
    settle: named(
      'settle',
      `UPDATE ${table} AS d
       SET status = v.status, attempts = v.attempts, last_http_status = v.http_status, last_error_class = v.error_class,
           next_attempt_at = COALESCE(v.next_attempt_at, d.next_attempt_at), updated_at = v.now,
           lease_owner = NULL, lease_expires_at = NULL
       FROM unnest($1::text[], $2::text[], $3::int4[], $4::int4[], $5::text[], $6::int8[], $7::int8[], $8::text[])
         AS v(id, status, attempts, http_status, error_class, next_attempt_at, now, owner)
       WHERE d.id = v.id AND (v.owner IS NULL OR (d.status = 'in_flight' AND d.lease_owner = v.owner))`,
    ),
    get: named('get', `SELECT * FROM ${table} WHERE id = $1`),
    list: named('list', `SELECT * FROM ${table} WHERE ($1::text IS NULL OR status = $1) ORDER BY created_at, id LIMIT $2`),
    redrive: named(
      'redrive',
      `UPDATE ${table} SET status = 'pending', next_attempt_at = $2, attempts = 0, updated_at = $2,
                           lease_owner = NULL, lease_expires_at = NULL
       WHERE id = $1 AND status IN ('pending', 'failed')`,
    ),
    prune: named('prune', `DELETE FROM ${table} WHERE status IN ('delivered', 'failed') AND updated_at < $1`),
  };
}
