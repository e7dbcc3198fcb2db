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
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { resolveAgent, StaticJwksResolver, type AgentResolution } from '@adcp/sdk/signing/server';
import { getComplianceCacheDir, getComplianceStoryboardById, loadStoryboardFile, runStoryboard, type Storyboard, type StoryboardResult } from '@adcp/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { sharedDir } from '../helpers/shared.js';
import { gradesOf, LOOPBACK_ONLY, printGrades, startSellerProcess, type PhaseGrade } from './support/storyboard-harness.js';

const BUNDLED_ID = 'webhook_emission';
const STORYBOARD_3_1_19 = resolve(sharedDir, 'adcp/compliance/3.1.19/universal/webhook-emission.yaml');
const WEBHOOK_KEY_PURPOSES = ['request-signing', 'webhook-signing'];
const RUN_TIMEOUT_MS = 240_000;

function adcpBin(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@adcp/sdk/package.json');
  const manifest = require(manifestPath) as { bin: Record<string, string> };
  return join(dirname(manifestPath), manifest.bin['adcp']!);
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
    printGrades(`webhook-emission, ${label}: storyboard ${result.storyboard_id} v${versions.get(label.split(' ')[1]!) ?? '?'}, overall_passed=${String(result.overall_passed)}`, grades);
    expectGrades(grades, extraSkips);
    expect(result.overall_passed).toBe(true);
    expect(seller.stderr()).not.toContain('LOOPBACK-ONLY');
  }, RUN_TIMEOUT_MS);
});
