// The official AdCP conformance runner (@adcp/sdk@6.11.0, public exports and its `adcp` bin only)
// runs the `webhook-emission` storyboard — its bundled version and the 3.1.19 one — unmodified,
// offline on loopback, against the MCP example seller started as a real process
// (`npm run example:seller -- --serve --unsafe-allow-private-network`), and prints per-phase results.
//
// The CLI runs in a process that refuses every non-loopback connection (support/loopback-only.cjs).
//
// What the runner cannot grade is graded here, through its programmatic API:
//   - signature_validity: the CLI passes no JWKS resolver, so `expect_webhook_signature_valid` skips
//     (`unsatisfied_contract`). `runStoryboard` is given `webhook_signing.jwks` holding the keys that
//     its own `resolveAgent` found through capabilities → brand.json → jwks_uri.
//   - signing_keys_published: 6.11 does not implement `fetch_brand_jwks` / `assert_jwks_purpose`
//     (skipped as `missing_tool`). `resolveAgent` walks the same chain; the test asserts the JWKS
//     holds a non-revoked key with a webhook-valid `adcp_use`, as the phase does.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { resolveAgent, StaticJwksResolver, type AgentResolution } from '@adcp/sdk/signing/server';
import { getComplianceCacheDir, getComplianceStoryboardById, loadStoryboardFile, runStoryboard, type Storyboard, type StoryboardResult } from '@adcp/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { sharedDir } from '../helpers/shared.js';

const BUNDLED_ID = 'webhook_emission';
const STORYBOARD_3_1_19 = resolve(sharedDir, 'adcp/compliance/3.1.19/universal/webhook-emission.yaml');
const WEBHOOK_KEY_PURPOSES = ['request-signing', 'webhook-signing'];
const RUN_TIMEOUT_MS = 240_000;
const LOOPBACK_ONLY = join(import.meta.dirname, 'support/loopback-only.cjs');

/** One phase as the runner graded it: `pass`, `fail`, or every step skipped (with the reasons). */
interface PhaseGrade {
  readonly phase: string;
  readonly passed: boolean;
  readonly steps: readonly { readonly step: string; readonly outcome: string }[];
}

function adcpBin(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@adcp/sdk/package.json');
  const manifest = require(manifestPath) as { bin: Record<string, string> };
  return join(dirname(manifestPath), manifest.bin['adcp']!);
}

function stepOutcome(step: StoryboardResult['phases'][number]['steps'][number]): string {
  if (step.skipped === true) return `skipped:${String(step.skip_reason)}`;
  return step.passed ? 'pass' : `fail:${step.error ?? 'validation'}`;
}

function gradesOf(result: StoryboardResult): PhaseGrade[] {
  return result.phases.map((phase) => ({
    phase: phase.phase_id,
    passed: phase.passed,
    steps: phase.steps.map((step) => ({ step: step.step_id, outcome: stepOutcome(step) })),
  }));
}

function printGrades(label: string, grades: readonly PhaseGrade[]): void {
  const lines = grades.map(({ phase, passed, steps }) => `  ${passed ? 'PASS' : 'FAIL'} ${phase}: ${steps.map((s) => `${s.step}=${s.outcome}`).join(', ')}`);
  console.log(`webhook-emission, ${label}\n${lines.join('\n')}`);
}

/** The seller as `npm run example:seller -- --serve` runs it, on an ephemeral loopback port. */
async function startSellerProcess(): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const main = join(repoRoot, 'dist/examples/seller/main.js');
  if (!existsSync(main)) throw new Error('dist/examples/seller/main.js is missing: run `npm run build` first');
  const child = spawn(process.execPath, ['--require', LOOPBACK_ONLY, main, '--serve', '--unsafe-allow-private-network'], {
    cwd: repoRoot,
    env: { ...process.env, ADCP_SELLER_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < 1_000_000) stderr += chunk.toString('utf8');
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.once('exit', (code) => reject(new Error(`the seller exited early (code ${String(code)})`)));
    lines.on('line', (line) => {
      const event = JSON.parse(line) as { event?: string; url?: string };
      if (event.event === 'listening' && typeof event.url === 'string') resolveUrl(event.url);
    });
  });
  return { child, url, stderr: () => stderr };
}

/**
 * `adcp storyboard run <agent> --file <storyboard> --webhook-receiver --allow-http --json`,
 * unmodified, in a process where any non-loopback connection is refused and reported (offline).
 */
function runCli(agentUrl: string, storyboardFile: string): Promise<StoryboardResult> {
  const args = ['--require', LOOPBACK_ONLY, adcpBin(), 'storyboard', 'run', agentUrl, '--file', storyboardFile, '--webhook-receiver', '--allow-http', '--json'];
  const env = { ...process.env, ADCP_SKIP_VERSION_CHECK: '1' };
  return new Promise((resolveRun, reject) => {
    execFile(process.execPath, args, { cwd: repoRoot, env, timeout: RUN_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (stderr.includes('LOOPBACK-ONLY')) return reject(new Error(`the runner tried to leave loopback:\n${stderr}`));
      // Exit code 3 = some step failed; the JSON report is on stdout either way.
      try {
        resolveRun(JSON.parse(stdout) as StoryboardResult);
      } catch {
        reject(error ?? new Error('the runner printed no JSON report'));
      }
    });
  });
}

/** The same runner through its programmatic API, with a JWKS resolver so signatures are graded. */
function runProgrammatic(agentUrl: string, storyboard: Storyboard, keys: AgentResolution['jwks']['keys']): Promise<StoryboardResult> {
  return runStoryboard(agentUrl, storyboard, {
    protocol: 'mcp',
    allow_http: true,
    webhook_receiver: { mode: 'loopback_mock' },
    contracts: ['webhook_receiver_runner'],
    webhook_signing: { jwks: new StaticJwksResolver(keys as ConstructorParameters<typeof StaticJwksResolver>[0]) },
  });
}

/**
 * The only steps that may skip, and why: the runner cannot fetch brand.json keys (6.11 has no
 * such task: graded by the resolveAgent test above), and in an any_of branch set the rejection
 * branch is not taken once the success branch contributed.
 */
const EXPECTED_SKIPS: Readonly<Record<string, string>> = {
  fetch_brand_json: 'skipped:missing_tool',
  assert_webhook_signing_key_present: 'skipped:missing_tool',
  sync_get_products_with_webhook_config_reject: 'skipped:peer_branch_taken',
};

/** Every phase passes and every step passes, or skips for exactly its expected reason. */
function expectGrades(grades: readonly PhaseGrade[], extraSkips: Readonly<Record<string, string>>): void {
  const skips = { ...EXPECTED_SKIPS, ...extraSkips };
  for (const grade of grades) {
    expect(grade.passed, `${grade.phase} passes`).toBe(true);
    for (const { step, outcome } of grade.steps) expect(`${step}=${outcome}`).toBe(`${step}=${skips[step] ?? 'pass'}`);
  }
  const phases = grades.map((grade) => grade.phase);
  expect(phases).toEqual(expect.arrayContaining(['capability_discovery', 'idempotency_key_presence', 'idempotency_key_stability', 'signature_validity']));
}

/** The CLI gives the runner no JWKS resolver: its signature step skips, graded by the API runs. */
const CLI_SKIPS = { expect_signature_valid: 'skipped:unsatisfied_contract' };
/** The API runs grade signatures: nothing beyond the expected skips. */
const API_SKIPS = {};

describe('webhook-emission storyboard, @adcp/sdk@6.11.0 runner, against the MCP example seller', () => {
  let seller: Awaited<ReturnType<typeof startSellerProcess>>;
  let resolution: AgentResolution;
  const results = new Map<string, Promise<StoryboardResult>>();
  const versions = new Map<string, string>();

  beforeAll(async () => {
    seller = await startSellerProcess();
    // Loopback http discovery is allowed by the resolver only under NODE_ENV=test (vitest sets it).
    resolution = await resolveAgent(seller.url, { allowPrivateIp: true });
    const bundled = getComplianceStoryboardById(BUNDLED_ID);
    if (bundled === undefined) throw new Error(`@adcp/sdk has no bundled ${BUNDLED_ID} storyboard`);
    const current = loadStoryboardFile(STORYBOARD_3_1_19);
    // The bundled storyboard's file in the runner's own compliance cache (located by its public API),
    // so both CLI runs print the same single-storyboard report.
    const bundledFile = join(getComplianceCacheDir(), 'universal/webhook-emission.yaml');
    expect(loadStoryboardFile(bundledFile)).toEqual(bundled);
    versions.set('bundled', String(bundled.version)).set('3.1.19', String(current.version));
    // All four runs at once: each spends most of its ~2 minutes waiting out observation windows.
    results.set('cli bundled', runCli(seller.url, bundledFile));
    results.set('cli 3.1.19', runCli(seller.url, STORYBOARD_3_1_19));
    results.set('api bundled', runProgrammatic(seller.url, bundled, resolution.jwks.keys));
    results.set('api 3.1.19', runProgrammatic(seller.url, current, resolution.jwks.keys));
    for (const result of results.values()) result.catch(() => undefined);
  }, 60_000);

  afterAll(() => {
    seller?.child.kill('SIGTERM');
  });

  it('signing_keys_published (graded here): brand.json → jwks_uri holds a non-revoked webhook-valid key', () => {
    expect(resolution).toMatchObject({ agentUrl: seller.url, consistency: { ok: true } });
    expect(resolution.agentEntry.url).toBe(seller.url);
    const usable = resolution.jwks.keys.filter((key) => WEBHOOK_KEY_PURPOSES.includes(String(key['adcp_use'])) && key['revoked'] !== true && key['d'] === undefined);
    console.log(`signing_keys_published (resolveAgent): jwks_uri=${resolution.jwksUri} webhook-valid keys=${usable.map((key) => String(key['kid'])).join(',')}`);
    expect(usable.length).toBeGreaterThan(0);
  });

  it.each([
    ['cli bundled', CLI_SKIPS],
    ['cli 3.1.19', CLI_SKIPS],
    ['api bundled', API_SKIPS],
    ['api 3.1.19', API_SKIPS],
  ] as const)('%s: every applicable phase passes', async (label, extraSkips) => {
    const result = await results.get(label)!;
    const grades = gradesOf(result);
    printGrades(`${label}: storyboard ${result.storyboard_id} v${versions.get(label.split(' ')[1]!) ?? '?'}, overall_passed=${String(result.overall_passed)}`, grades);
    expectGrades(grades, extraSkips);
    expect(result.overall_passed).toBe(true);
    expect(seller.stderr()).not.toContain('LOOPBACK-ONLY');
  }, RUN_TIMEOUT_MS);
});
