// The official AdCP conformance runner (@adcp/sdk@6.11.0, public exports only) runs the three AdCP
// 3.1.19 wholesale feed webhook registration storyboards — wholesale-feed-product-webhooks,
// wholesale-feed-signal-webhooks and wholesale-feed-bulk-webhooks — offline on loopback, against
// the MCP example seller started as a real process, and prints per-phase results.
//
// What the runner cannot grade, and how this test grades it instead: each storyboard is gated by
// `requires_capability: { path: wholesale_feed_webhooks.event_types, contains: <event type> }`.
// The 6.11.0 runner knows only `equals` predicates (StoryboardDefinition.requires_capability is
// `{ path, equals }`): it compares the declared array with `equals`, which is undefined, and skips
// the whole storyboard as `capability_unsupported` — reported `overall_passed: true` with no step
// graded — precisely when the seller advertises the event type. So the test
//   1. runs each storyboard file unmodified and asserts that skip (the runner's limitation, pinned);
//   2. grades the gate itself: the seller's get_adcp_capabilities lists the event type, with the
//      wholesale read the spec requires for it (protocol/get_adcp_capabilities.mdx —
//      wholesale_feed_webhooks, "Capability consistency");
//   3. runs the same loaded storyboard with only that graded gate taken off: its phases, steps,
//      sample requests and validations are untouched, and the runner grades every step `pass`.
// The storyboards register paused (`active: false`) subscribers at https://example.com, which the
// seller may persist without proof of control (sync_accounts.mdx — `active`): none is contacted.
import { resolve } from 'node:path';
import { loadStoryboardFile, runStoryboard, type StoryboardResult } from '@adcp/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool } from '../../examples/seller/buyer-side.js';
import { sharedDir } from '../helpers/shared.js';
import { gradesOf, printGrades, startSellerProcess, type SellerProcess } from './support/storyboard-harness.js';

const UNIVERSAL = resolve(sharedDir, 'adcp/compliance/3.1.19/universal');
const STORYBOARDS = ['wholesale-feed-product-webhooks', 'wholesale-feed-signal-webhooks', 'wholesale-feed-bulk-webhooks'] as const;
type StoryboardName = (typeof STORYBOARDS)[number];
/** The gate of each storyboard file, and the one phase / step behind it. */
const EXPECTED: Readonly<Record<StoryboardName, { readonly contains: string; readonly steps: readonly string[] }>> = {
  'wholesale-feed-product-webhooks': { contains: 'product.priced', steps: ['register_product_pricing_webhook'] },
  'wholesale-feed-signal-webhooks': { contains: 'signal.priced', steps: ['register_signal_pricing_webhook'] },
  'wholesale-feed-bulk-webhooks': { contains: 'wholesale_feed.bulk_change', steps: ['register_bulk_change_webhook'] },
};
const RUN_TIMEOUT_MS = 120_000;

type Storyboard = ReturnType<typeof loadStoryboardFile>;
/** The storyboard's gate as the YAML writes it (a `contains` predicate the 6.11.0 types do not model). */
type ContainsGate = { readonly path: string; readonly contains: string };

function load(name: StoryboardName): Storyboard {
  return loadStoryboardFile(resolve(UNIVERSAL, `${name}.yaml`));
}

function gateOf(storyboard: Storyboard): ContainsGate {
  return storyboard.requires_capability as unknown as ContainsGate;
}

function run(agentUrl: string, storyboard: Storyboard): Promise<StoryboardResult> {
  return runStoryboard(agentUrl, storyboard, { protocol: 'mcp', allow_http: true });
}

/** The same storyboard without the gate this test has graded itself (step 2 above); nothing else changes. */
function withoutGradedGate(storyboard: Storyboard): Storyboard {
  const { requires_capability: _graded, ...rest } = storyboard;
  return rest;
}

/** `a.b.c` of the capabilities, as the storyboard's `path` names it. */
function at(capabilities: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), capabilities);
}

/**
 * protocol/get_adcp_capabilities.mdx — wholesale_feed_webhooks, "Capability consistency": `product.*`
 * needs `media_buy.buying_modes` with wholesale, `signal.*` needs `signals.discovery_modes` with
 * wholesale, `wholesale_feed.bulk_change` at least one of the two.
 */
function repairPathsFor(eventType: string, capabilities: Record<string, unknown>): boolean {
  const products = (at(capabilities, 'media_buy.buying_modes') as unknown[] | undefined)?.includes('wholesale') === true;
  const signals = (at(capabilities, 'signals.discovery_modes') as unknown[] | undefined)?.includes('wholesale') === true;
  if (eventType.startsWith('product.')) return products;
  if (eventType.startsWith('signal.')) return signals;
  return products || signals;
}

describe('wholesale feed webhook storyboards (AdCP 3.1.19), @adcp/sdk@6.11.0 runner, against the MCP example seller', () => {
  let seller: SellerProcess;
  let capabilities: Record<string, unknown>;
  const unmodified = new Map<StoryboardName, Promise<StoryboardResult>>();
  const graded = new Map<StoryboardName, Promise<StoryboardResult>>();

  beforeAll(async () => {
    seller = await startSellerProcess();
    capabilities = (await callTool(seller.url, 'get_adcp_capabilities', {})).body;
    // One after another: all three provision the same natural key (acmeoutdoor.example via
    // pinnacle-agency.example, sandbox) and replace its subscriber set.
    let previous: Promise<unknown> = Promise.resolve();
    for (const name of STORYBOARDS) {
      const asIs = previous.then(() => run(seller.url, load(name)));
      const ungated = asIs.catch(() => undefined).then(() => run(seller.url, withoutGradedGate(load(name))));
      unmodified.set(name, asIs);
      graded.set(name, ungated);
      previous = ungated.catch(() => undefined);
    }
  }, 60_000);

  afterAll(() => {
    seller?.child.kill('SIGTERM');
  });

  it.each(STORYBOARDS)('%s as is: the 6.11.0 runner cannot grade its `contains` gate and skips it (pinned)', async (name) => {
    const storyboard = load(name);
    expect(gateOf(storyboard)).toEqual({ path: 'wholesale_feed_webhooks.event_types', contains: EXPECTED[name].contains });
    const result = await unmodified.get(name)!;
    const grades = gradesOf(result);
    printGrades(`${name} (unmodified): overall_passed=${String(result.overall_passed)}`, grades);
    expect(grades).toEqual([{ phase: 'capability_unsupported', passed: true, steps: [{ step: 'capability_unsupported', outcome: 'skipped:capability_unsupported' }] }]);
    expect(result.phases[0]!.steps[0]!.error).toContain('wholesale_feed_webhooks.event_types === undefined');
  }, RUN_TIMEOUT_MS);

  it.each(STORYBOARDS)('%s: the gate, graded here — the seller advertises the event type and its wholesale repair path', (name) => {
    const { path, contains } = gateOf(load(name));
    expect(capabilities['wholesale_feed_webhooks']).toMatchObject({ supported: true });
    expect(at(capabilities, path)).toContain(contains);
    expect(repairPathsFor(contains, capabilities), `${contains} has a declared wholesale read`).toBe(true);
    expect(capabilities['webhook_signing']).toMatchObject({ supported: true }); // get_adcp_capabilities.mdx — webhook_signing
  });

  it.each(STORYBOARDS)('%s: every phase passes, every step graded `pass` by the runner', async (name) => {
    const result = await graded.get(name)!;
    const grades = gradesOf(result);
    printGrades(`${name}: storyboard ${result.storyboard_id}, overall_passed=${String(result.overall_passed)}`, grades);
    expect(grades.map((grade) => grade.phase)).toEqual(['register']);
    for (const grade of grades) {
      expect(grade.passed, `${grade.phase} passes`).toBe(true);
      expect(grade.steps.map(({ step }) => step)).toEqual(EXPECTED[name].steps);
      for (const { step, outcome } of grade.steps) expect(`${step}=${outcome}`).toBe(`${step}=pass`);
    }
    expect(result.overall_passed).toBe(true);
    expect(result.failed_count).toBe(0);
    expect(result.skipped_count).toBe(0);
    expect(seller.stderr()).not.toContain('LOOPBACK-ONLY'); // the paused example.com subscribers were never contacted
  }, RUN_TIMEOUT_MS);

  // Beyond the storyboards: the last one's registration is durable (list_accounts.mdx echoes the
  // persisted subscribers), and its wholesale repair reads answer synchronously (get_products.mdx /
  // get_signals.mdx — wholesale reads MUST NOT enter Submitted).
  it('the subscriber persists; the wholesale reads answer synchronously', async () => {
    await Promise.allSettled(graded.values());
    const listed = await callTool(seller.url, 'list_accounts', { sandbox: true });
    const account = (listed.body['accounts'] as Array<Record<string, unknown>>).find((entry) => (entry['brand'] as { domain?: string }).domain === 'acmeoutdoor.example');
    expect(account?.['notification_configs']).toEqual([{ subscriber_id: 'bulk-feed-sync', url: 'https://example.com/webhooks/adcp/bulk-feed', event_types: ['wholesale_feed.bulk_change'], active: false }]);
    const products = await callTool(seller.url, 'get_products', { buying_mode: 'wholesale' });
    const signals = await callTool(seller.url, 'get_signals', { discovery_mode: 'wholesale' });
    expect([products.isError, products.body['products'], products.body['status']]).toEqual([false, [], undefined]);
    expect([signals.isError, signals.body['signals'], signals.body['status']]).toEqual([false, [], undefined]);
  }, RUN_TIMEOUT_MS);
});
