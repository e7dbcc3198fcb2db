// New-keyid admission pressure (security.mdx "Webhook replay dedup sizing": MUST track, SHOULD
// alert). Admissions are counted in fixed windows (5 minutes by default); each admission of a keyid
// with no live entry raises its window's count, which is compared against four thresholds, any of
// which alarms:
//   (a) short-window ratio   count > ratio × the moving average over the short horizon (24 h)
//   (b) medium-window ratio  count > ratio × a percentile over the medium horizon (30-day P95)
//   (c) long-window ratio    count > ratio × a percentile over the long horizon (90-day P99)
//   (d) proportional ceiling count > max(floor, fraction × unique keyids seen over 30 days)
// A ratio baseline is never taken below clause (d)'s floor, so a near-zero baseline (a sparse or
// young verifier) degrades to the floor instead of alarming on every onboarding (tuning guide,
// scenarios 4 and 8). Starting values are those of webhook-verifier-tuning.mdx; every one is tunable.
import type { NonceAdmission, NonceEntry, NonceStore } from '../store-contract.js';
import { ReceiverStoreError } from './limits.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Every threshold of the four alarm clauses (building/by-layer/L1/webhook-verifier-tuning.mdx — "Starting values"). */
export interface AdmissionPressureThresholds {
  /** Width of one counting window; default 5 minutes. */
  readonly windowMs: number;
  /** (a) ratio to the short-horizon moving average; default 3. */
  readonly shortRatio: number;
  /** (a) horizon of the moving average; default 24 h. */
  readonly shortHorizonMs: number;
  /** (b) ratio to the medium-horizon percentile; default 2. */
  readonly mediumRatio: number;
  /** (b) percentile, 0–100; default 95. */
  readonly mediumPercentile: number;
  /** (b) horizon; default 30 days. */
  readonly mediumHorizonMs: number;
  /** (c) ratio to the long-horizon percentile; default 1.5. */
  readonly longRatio: number;
  /** (c) percentile, 0–100; default 99. */
  readonly longPercentile: number;
  /** (c) horizon; default 90 days. */
  readonly longHorizonMs: number;
  /** (d) absolute floor of new keyids per window; default 20. */
  readonly ceilingFloor: number;
  /** (d) fraction of the unique-keyid count; default 0.1. */
  readonly ceilingFraction: number;
  /** (d) window over which unique keyids are counted; default 30 days. */
  readonly uniqueKeyidHorizonMs: number;
}

/** The tuning guide's starting values: published, hence attacker-known — tune them within 30 days. */
export const STARTING_THRESHOLDS: AdmissionPressureThresholds = Object.freeze({
  windowMs: 5 * MINUTE,
  shortRatio: 3,
  shortHorizonMs: DAY,
  mediumRatio: 2,
  mediumPercentile: 95,
  mediumHorizonMs: 30 * DAY,
  longRatio: 1.5,
  longPercentile: 99,
  longHorizonMs: 90 * DAY,
  ceilingFloor: 20,
  ceilingFraction: 0.1,
  uniqueKeyidHorizonMs: 30 * DAY,
});

/** How long thresholds may stay at their starting values past the first admission. */
export const TUNING_GRACE_MS = 30 * DAY;

export type AlarmClause = 'a' | 'b' | 'c' | 'd';

/** An alarm: which clause tripped first (and which others with it), on what figures. */
export interface NewKeyidAlarm {
  readonly type: 'new_keyid_admission_alarm';
  /** The first clause that tripped, in a–d order (the one to triage on). */
  readonly clause: AlarmClause;
  /** Every clause that tripped on this admission. */
  readonly clauses: readonly AlarmClause[];
  readonly windowStartMs: number;
  /** New keyids admitted in this window so far. */
  readonly newKeyids: number;
  /** The threshold of `clause` that `newKeyids` exceeded. */
  readonly threshold: number;
  /** Distinct keyids admitted within the unique-keyid horizon. */
  readonly uniqueKeyids: number;
}

/** Thresholds still at their starting values 30 days after the first admission. */
export interface ThresholdTuningOverdue {
  readonly type: 'threshold_tuning_overdue';
  readonly untuned: ReadonlyArray<keyof AdmissionPressureThresholds>;
  readonly firstAdmissionMs: number;
}

export type AdmissionPressureEvent = NewKeyidAlarm | ThresholdTuningOverdue;

export interface AdmissionPressureOptions {
  /** Tuned thresholds; any left out keeps its starting value (and counts as untuned). */
  readonly thresholds?: Partial<AdmissionPressureThresholds>;
  /** Receives alarms and `threshold_tuning_overdue`; an error it throws is swallowed. */
  readonly onEvent: (event: AdmissionPressureEvent) => void;
  /** First admission of this verifier when known from an earlier run (epoch ms); default the first one seen. */
  readonly firstAdmissionMs?: number;
}

interface Baseline {
  readonly window: number;
  readonly thresholds: Readonly<Record<AlarmClause, number>>;
  readonly uniqueKeyids: number;
}

/**
 * Tracks the rate of admissions from keyids with no live entry and raises an alarm naming clause
 * (a), (b), (c) or (d) when it crosses a threshold (building/by-layer/L1/security.mdx — "Webhook
 * replay dedup sizing", new-keyid admission pressure; thresholds per
 * building/by-layer/L1/webhook-verifier-tuning.mdx). Emits `threshold_tuning_overdue` once a day
 * while any threshold is still at its starting value 30 days past the first admission. Alarms are for
 * incident response: nothing here revokes or rejects. One tracker counts one process's admissions.
 */
export class AdmissionPressureTracker {
  readonly #t: AdmissionPressureThresholds;
  readonly #untuned: ReadonlyArray<keyof AdmissionPressureThresholds>;
  readonly #onEvent: (event: AdmissionPressureEvent) => void;
  /** New-keyid count per window index (windows without admissions are absent and count as zero). */
  readonly #counts = new Map<number, number>();
  /** keyid → last admission (ms), for clause (d)'s unique-keyid count. */
  readonly #lastSeen = new Map<string, number>();
  readonly #alarmed = new Set<AlarmClause>();
  #firstAdmissionMs: number | undefined;
  #baseline: Baseline | undefined;
  #nextOverdueCheckMs = 0;

  constructor(options: AdmissionPressureOptions) {
    this.#t = resolveThresholds(options.thresholds ?? {});
    this.#untuned = (Object.keys(STARTING_THRESHOLDS) as Array<keyof AdmissionPressureThresholds>).filter(
      (name) => this.#t[name] === STARTING_THRESHOLDS[name],
    );
    this.#onEvent = options.onEvent;
    this.#firstAdmissionMs = options.firstAdmissionMs;
  }

  /** The thresholds in force. */
  get thresholds(): AdmissionPressureThresholds {
    return this.#t;
  }

  /** Records one admitted entry; `newKeyid` as the NonceStore reported it. */
  record(keyid: string, newKeyid: boolean, nowMs: number): void {
    this.#firstAdmissionMs ??= nowMs;
    this.#checkTuningOverdue(nowMs);
    if (newKeyid) this.#countNewKeyid(nowMs);
    this.#lastSeen.set(keyid, nowMs);
  }

  #countNewKeyid(nowMs: number): void {
    const window = Math.floor(nowMs / this.#t.windowMs);
    const baseline = this.#baselineFor(window);
    const count = (this.#counts.get(window) ?? 0) + 1;
    this.#counts.set(window, count);
    const tripped = (['a', 'b', 'c', 'd'] as const).filter((clause) => count > baseline.thresholds[clause] && !this.#alarmed.has(clause));
    if (tripped.length === 0) return;
    for (const clause of tripped) this.#alarmed.add(clause);
    const clause = tripped[0]!;
    this.#emit({
      type: 'new_keyid_admission_alarm',
      clause,
      clauses: tripped,
      windowStartMs: window * this.#t.windowMs,
      newKeyids: count,
      threshold: baseline.thresholds[clause],
      uniqueKeyids: baseline.uniqueKeyids,
    });
  }

  /** Baselines come from complete windows only, so they are computed once per window. */
  #baselineFor(window: number): Baseline {
    if (this.#baseline?.window === window) return this.#baseline;
    this.#alarmed.clear();
    this.#forgetBefore(window);
    const t = this.#t;
    const uniqueKeyids = this.#lastSeen.size;
    const ceiling = Math.max(t.ceilingFloor, t.ceilingFraction * uniqueKeyids);
    const floor = t.ceilingFloor;
    const history = (horizonMs: number) => this.#history(window, horizonMs);
    this.#baseline = {
      window,
      uniqueKeyids,
      thresholds: {
        a: t.shortRatio * Math.max(history(t.shortHorizonMs).mean(), floor),
        b: t.mediumRatio * Math.max(history(t.mediumHorizonMs).percentile(t.mediumPercentile), floor),
        c: t.longRatio * Math.max(history(t.longHorizonMs).percentile(t.longPercentile), floor),
        d: ceiling,
      },
    };
    return this.#baseline;
  }

  /** Counts of the complete windows within `horizonMs` before `window`, since the first admission. */
  #history(window: number, horizonMs: number): WindowHistory {
    const first = Math.floor((this.#firstAdmissionMs ?? 0) / this.#t.windowMs);
    const from = Math.max(first, window - Math.ceil(horizonMs / this.#t.windowMs));
    const nonzero: number[] = [];
    for (const [w, count] of this.#counts) if (w >= from && w < window) nonzero.push(count);
    return new WindowHistory(Math.max(0, window - from), nonzero);
  }

  #forgetBefore(window: number): void {
    const oldest = window - Math.ceil(Math.max(this.#t.shortHorizonMs, this.#t.mediumHorizonMs, this.#t.longHorizonMs) / this.#t.windowMs);
    for (const w of this.#counts.keys()) if (w < oldest) this.#counts.delete(w);
    const cutoff = window * this.#t.windowMs - this.#t.uniqueKeyidHorizonMs;
    for (const [keyid, seen] of this.#lastSeen) if (seen < cutoff) this.#lastSeen.delete(keyid);
  }

  #checkTuningOverdue(nowMs: number): void {
    if (this.#untuned.length === 0 || nowMs < this.#nextOverdueCheckMs) return;
    const first = this.#firstAdmissionMs ?? nowMs;
    if (nowMs - first <= TUNING_GRACE_MS) {
      this.#nextOverdueCheckMs = first + TUNING_GRACE_MS + 1;
      return;
    }
    this.#nextOverdueCheckMs = nowMs + DAY;
    this.#emit({ type: 'threshold_tuning_overdue', untuned: this.#untuned, firstAdmissionMs: first });
  }

  #emit(event: AdmissionPressureEvent): void {
    try {
      this.#onEvent(event);
    } catch {
      // An alarm sink that fails must not turn into a failed admission.
    }
  }
}

/** Per-window counts over a horizon, kept as the non-zero ones plus how many windows there were. */
class WindowHistory {
  readonly #sorted: number[];
  constructor(
    readonly windows: number,
    nonzero: number[],
  ) {
    this.#sorted = nonzero.sort((x, y) => x - y);
  }

  mean(): number {
    return this.windows === 0 ? 0 : this.#sorted.reduce((sum, n) => sum + n, 0) / this.windows;
  }

  /** Nearest-rank percentile; 0 with no history. */
  percentile(p: number): number {
    if (this.windows === 0) return 0;
    const rank = Math.min(this.windows, Math.max(1, Math.ceil((p / 100) * this.windows)));
    const zeros = this.windows - this.#sorted.length;
    return rank <= zeros ? 0 : this.#sorted[rank - zeros - 1]!;
  }
}

function resolveThresholds(tuned: Partial<AdmissionPressureThresholds>): AdmissionPressureThresholds {
  const resolved = { ...STARTING_THRESHOLDS };
  for (const name of Object.keys(STARTING_THRESHOLDS) as Array<keyof AdmissionPressureThresholds>) {
    const value = tuned[name];
    if (value === undefined) continue;
    const valid = typeof value === 'number' && Number.isFinite(value) && value > 0 && (!name.endsWith('Percentile') || value <= 100);
    if (!valid) {
      throw new ReceiverStoreError(
        'ADCP_RECEIVER_STORE_INVALID_CONFIG',
        `admission-pressure threshold ${name} must be a positive finite number${name.endsWith('Percentile') ? ' ≤ 100' : ''}; got ${String(value)}`,
      );
    }
    resolved[name] = value;
  }
  return Object.freeze(resolved);
}

/** Environment variable of each threshold, so operators tune without a code change. */
export const THRESHOLD_ENV: Readonly<Record<keyof AdmissionPressureThresholds, string>> = Object.freeze({
  windowMs: 'ADCP_NEW_KEYID_WINDOW_MS',
  shortRatio: 'ADCP_NEW_KEYID_SHORT_RATIO',
  shortHorizonMs: 'ADCP_NEW_KEYID_SHORT_HORIZON_MS',
  mediumRatio: 'ADCP_NEW_KEYID_MEDIUM_RATIO',
  mediumPercentile: 'ADCP_NEW_KEYID_MEDIUM_PERCENTILE',
  mediumHorizonMs: 'ADCP_NEW_KEYID_MEDIUM_HORIZON_MS',
  longRatio: 'ADCP_NEW_KEYID_LONG_RATIO',
  longPercentile: 'ADCP_NEW_KEYID_LONG_PERCENTILE',
  longHorizonMs: 'ADCP_NEW_KEYID_LONG_HORIZON_MS',
  ceilingFloor: 'ADCP_NEW_KEYID_CEILING_FLOOR',
  ceilingFraction: 'ADCP_NEW_KEYID_CEILING_FRACTION',
  uniqueKeyidHorizonMs: 'ADCP_NEW_KEYID_UNIQUE_HORIZON_MS',
});

/**
 * Reads tuned thresholds from the environment ({@link THRESHOLD_ENV}); unset variables are left out
 * so they keep their starting values (webhook-verifier-tuning.mdx — "What NOT to do": thresholds are
 * tunable parameters, not hardcoded values).
 */
export function thresholdsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): Partial<AdmissionPressureThresholds> {
  const tuned: Partial<Record<keyof AdmissionPressureThresholds, number>> = {};
  for (const [name, variable] of Object.entries(THRESHOLD_ENV) as Array<[keyof AdmissionPressureThresholds, string]>) {
    const raw = env[variable];
    if (raw === undefined || raw.trim() === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      throw new ReceiverStoreError('ADCP_RECEIVER_STORE_INVALID_CONFIG', `${variable} must be a positive number; got ${JSON.stringify(raw)}`);
    }
    tuned[name] = value;
  }
  return tuned;
}

/**
 * A {@link NonceStore} that reports every admission to `tracker` (the store's `newKeyid` flag feeds
 * new-keyid admission pressure); outcomes pass through unchanged.
 */
export function withAdmissionTracking(store: NonceStore, tracker: AdmissionPressureTracker): NonceStore {
  return {
    async admit(entry: NonceEntry): Promise<NonceAdmission> {
      const admission = await store.admit(entry);
      if (admission.outcome === 'admitted') tracker.record(entry.keyid, admission.newKeyid, entry.now * 1000);
      return admission;
    },
    close: () => store.close(),
  };
}
