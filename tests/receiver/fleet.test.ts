// Three receiver processes sharing one PostgreSQL, and again one Redis: every process gets the same
// 1,000 events (the original signed request replayed to both endpoint URLs, plus a sender retry
// with a fresh nonce). Each event's side effect runs exactly once fleet-wide, each captured nonce is
// admitted exactly once, a process SIGKILLed while holding a claim loses nothing (its lease lapses
// and another process runs the event), and a restarted process finds every event already done.
// The processes drive the stores directly (fixtures/fleet-receiver.mjs, against dist/): the stores
// are what is under test here, not the HTTP receiver in front of them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_URL, dropReceiverTables, uniquePrefix } from './pg-receiver-helpers.js';
import { REDIS_URL, dropRedisKeys } from './redis-helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/fleet-receiver.mjs', import.meta.url));
const EVENTS = 1000;

interface Child {
  readonly process: ChildProcess;
  next(accept: (line: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
}

function startReceiver(env: Record<string, string>): Child {
  const child = spawn(process.execPath, [FIXTURE], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const wakers = new Set<() => void>();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const wake of wakers) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    exited,
    next: (accept, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(accept);
          if (found !== undefined) finish(() => resolve(found));
        };
        const fail = (why: string) => finish(() => reject(new Error(`${env.NAME} ${why}; stderr: ${stderr.slice(-2000)}`)));
        const timer = setTimeout(() => fail(`did not report in ${timeoutMs} ms`), timeoutMs);
        const onExit = () => setImmediate(() => (lines.some(accept) ? check() : fail('exited before reporting')));
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          wakers.delete(check);
          child.off('exit', onExit);
          settle();
        };
        wakers.add(check);
        child.on('exit', onExit);
        check();
      }),
  };
}

const isDone = (line: Record<string, unknown>) => line.event === 'done';

/** `<event> <process> …` lines → how often each event occurs, and who wrote each. */
function tally(file: string): { perEvent: Map<number, string[]>; lines: number } {
  const perEvent = new Map<number, string[]>();
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
  for (const line of lines) {
    const [event, name] = line.split(' ');
    perEvent.set(Number(event), [...(perEvent.get(Number(event)) ?? []), name!]);
  }
  return { perEvent, lines: lines.length };
}

describe.each([
  ['PostgreSQL', () => PG_URL, dropReceiverTables],
  ['Redis', () => REDIS_URL, dropRedisKeys],
])('a fleet of three receiver processes sharing %s', (_backend, storeUrl, drop) => {
  const children: Child[] = [];
  let dir = '';
  let prefix = '';
  afterEach(async () => {
    for (const child of children.splice(0)) child.process.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await drop(prefix);
  });

  it('runs every side effect once, admits every captured nonce once, and keeps dedup across SIGKILL and restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'adcp-fleet-'));
    prefix = uniquePrefix('fleet');
    const sideEffects = join(dir, 'side-effects.log');
    const originals = join(dir, 'originals.log');
    writeFileSync(sideEffects, '');
    writeFileSync(originals, '');
    const common = { STORE_URL: storeUrl(), PREFIX: prefix, EVENTS: String(EVENTS), SIDE_EFFECTS: sideEffects, ORIGINALS: originals, LEASE_MS: '1500' };
    const start = (env: Record<string, string>) => {
      const child = startReceiver({ ...common, ...env });
      children.push(child);
      return child;
    };

    // r3 handles one event at a time and stops for good inside the handler of its 101st claim; r1
    // and r2 start while it hangs there, and it is SIGKILLed with them running.
    const r3 = start({ NAME: 'r3', LANES: '1', HANG_AFTER: '100' });
    const hanging = await r3.next((line) => line.event === 'hanging', 60_000);
    const r1 = start({ NAME: 'r1', LANES: '6' });
    const r2 = start({ NAME: 'r2', LANES: '6' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    r3.process.kill('SIGKILL');
    await r3.exited;
    const [done1, done2] = await Promise.all([r1.next(isDone, 120_000), r2.next(isDone, 120_000)]);

    // The event r3 died holding was taken over once its lease lapsed, and run by r1 or r2.
    const effects = tally(sideEffects);
    expect(effects.lines).toBe(EVENTS);
    expect(effects.perEvent.size).toBe(EVENTS);
    expect([...effects.perEvent.values()].every((writers) => writers.length === 1)).toBe(true);
    expect(effects.perEvent.get(hanging.key as number)).toEqual([expect.stringMatching(/^r[12]$/)]);
    expect([...effects.perEvent.values()].filter((w) => w[0] === 'r3')).toHaveLength(100);

    // Six sightings of each captured request (three processes × two endpoints); one admitted.
    const admitted = tally(originals);
    expect(admitted.lines).toBe(EVENTS);
    expect([...admitted.perEvent.values()].every((writers) => writers.length === 1)).toBe(true);
    expect((done1.originalsReplayed as number) + (done2.originalsReplayed as number)).toBeGreaterThanOrEqual(EVENTS);

    // A fresh process after the crash: every capture is a replay, every retry a duplicate.
    const restarted = start({ NAME: 'r3-restarted', LANES: '6' });
    const again = await restarted.next(isDone, 120_000);
    expect(again).toMatchObject({ originalsAdmitted: 0, originalsReplayed: 2 * EVENTS, sideEffects: 0, duplicates: EVENTS, inProgress: 0 });
    expect(tally(sideEffects).lines).toBe(EVENTS);
  });
});
