// A minimal synchronous seller pipeline for tests: run the handler, project its result to the
// wire response (stripping seller-internal fields), run the sync-completion gate on exactly that
// response, return it.
import {
  maybeEmitSyncCompletion,
  type SyncCompletionGate,
  type SyncCompletionOutcome,
} from '../../../src/runtime/webhooks/index.js';

export interface SyncCallResult {
  readonly response: unknown;
  readonly outcome: SyncCompletionOutcome;
}

/** Drops `ctx_metadata` and any `_`-prefixed member: what a seller keeps to itself. */
export function projectToWire(result: unknown): unknown {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return result;
  return Object.fromEntries(Object.entries(result).filter(([key]) => key !== 'ctx_metadata' && !key.startsWith('_')));
}

export async function handleSyncCall(
  gate: SyncCompletionGate,
  tool: string,
  params: unknown,
  handler: (params: unknown) => Promise<unknown> | unknown,
): Promise<SyncCallResult> {
  const response = projectToWire(await handler(params));
  const outcome = maybeEmitSyncCompletion(gate, { tool, params, response });
  return { response, outcome };
}

export const mediaBuyCreated = {
  status: 'completed',
  media_buy_id: 'mb_42',
  media_buy_status: 'active',
  confirmed_at: '2026-11-26T10:00:00Z',
  revision: 1,
  packages: [],
  context: { correlation_id: 'corr-1' },
};
