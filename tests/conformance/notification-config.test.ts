// The official AdCP conformance runner (@adcp/sdk@6.11.0, public exports only) runs the three AdCP
// 3.1.19 account-level webhook subscriber storyboards — notification-config-rejections,
// notification-config-event-scope and notification-config-lifecycle — unmodified, offline on
// loopback, against the MCP example seller started as a real process, and prints per-phase results.
//
// The storyboards register only paused (`active: false`) subscribers at https://example.com: the
// seller may skip the proof-of-control challenge for those (sync_accounts.mdx — `active`), so no
// step needs a challenge receiver and the runner grades every step itself. Active registration is
// out of the lifecycle storyboard's scope ("Active registration is intentionally out of scope
// here"); the test grades it here, with a loopback subscriber that verifies the seller's RFC 9421
// signature on the challenge (core/webhook-challenge.json) and echoes it.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { resolveAgent, type AgentResolution } from '@adcp/sdk/signing/server';
import { loadStoryboardFile, runStoryboard, type StoryboardResult } from '@adcp/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool } from '../../examples/seller/buyer-side.js';
import { verifyRfc9421Webhook, type PublicJwk } from '../../src/index.js';
import { sharedDir } from '../helpers/shared.js';
import { gradesOf, printGrades, startSellerProcess, type SellerProcess } from './support/storyboard-harness.js';

const UNIVERSAL = resolve(sharedDir, 'adcp/compliance/3.1.19/universal');
const STORYBOARDS = ['notification-config-rejections', 'notification-config-event-scope', 'notification-config-lifecycle'] as const;
const EXPECTED_PHASES: Readonly<Record<(typeof STORYBOARDS)[number], readonly string[]>> = {
  'notification-config-rejections': ['reject_duplicate_subscriber_id'],
  'notification-config-event-scope': ['reject_media_buy_anchored_event_type'],
  'notification-config-lifecycle': ['register_and_echo_paused_subscriber', 'replace_pause_and_clear'],
};
const RUN_TIMEOUT_MS = 120_000;

function runProgrammatic(agentUrl: string, name: string): Promise<StoryboardResult> {
  return runStoryboard(agentUrl, loadStoryboardFile(resolve(UNIVERSAL, `${name}.yaml`)), { protocol: 'mcp', allow_http: true });
}

/** A loopback subscriber: verifies the challenge signature against the seller's JWKS, then echoes it. */
async function startSubscriber(keys: readonly PublicJwk[]): Promise<{ server: Server; url: string; challenges: Array<{ body: Record<string, unknown>; verified: boolean }> }> {
  const challenges: Array<{ body: Record<string, unknown>; verified: boolean }> = [];
  let base = '';
  const server = createServer((request, response) => {
    void readBody(request).then((raw) => {
      const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      const now = Math.floor(Date.now() / 1000);
      const verdict = verifyRfc9421Webhook({ method: request.method!, url: `${base}${request.url}`, headers: request.headers, body: raw, jwks: { keys: [...keys] }, now });
      challenges.push({ body, verified: verdict.ok });
      response.writeHead(verdict.ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge: body['challenge'] }));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url: `${base}/webhooks/adcp/account`, challenges };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('notification_configs storyboards (AdCP 3.1.19), @adcp/sdk@6.11.0 runner, against the MCP example seller', () => {
  let seller: SellerProcess;
  let resolution: AgentResolution;
  const results = new Map<string, Promise<StoryboardResult>>();

  beforeAll(async () => {
    seller = await startSellerProcess();
    resolution = await resolveAgent(seller.url, { allowPrivateIp: true });
    // One after another: all three provision the same natural key (acmeoutdoor.example via
    // pinnacle-agency.example, sandbox).
    let previous: Promise<unknown> = Promise.resolve();
    for (const name of STORYBOARDS) {
      const run = previous.then(() => runProgrammatic(seller.url, name));
      results.set(name, run);
      previous = run.catch(() => undefined);
    }
  }, 60_000);

  afterAll(() => {
    seller?.child.kill('SIGTERM');
  });

  it.each(STORYBOARDS)('%s: every phase passes, every step graded `pass` by the runner', async (name) => {
    const result = await results.get(name)!;
    const grades = gradesOf(result);
    printGrades(`${name}: storyboard ${result.storyboard_id}, overall_passed=${String(result.overall_passed)}`, grades);
    expect(grades.map((grade) => grade.phase)).toEqual(EXPECTED_PHASES[name]);
    for (const grade of grades) {
      expect(grade.passed, `${grade.phase} passes`).toBe(true);
      for (const { step, outcome } of grade.steps) expect(`${step}=${outcome}`).toBe(`${step}=pass`);
    }
    expect(result.overall_passed).toBe(true);
    expect(seller.stderr()).not.toContain('LOOPBACK-ONLY'); // the paused example.com subscribers were never contacted
  }, RUN_TIMEOUT_MS);

  // Graded here (beyond the storyboards): an active subscriber is challenged with the seller's key
  // before it is echoed `active: true` (sync_accounts.mdx — "Endpoint proof of control"), and
  // credentials are write-only in sync_accounts and list_accounts echoes.
  it('active subscriber: signed challenge first, then echoed active, credentials never echoed', async () => {
    await Promise.allSettled(results.values()); // after the storyboards: their account state stays theirs
    const subscriber = await startSubscriber(resolution.jwks.keys as unknown as PublicJwk[]);
    try {
      const secret = 'bearer-secret-0123456789abcdef0123456789';
      const config = { subscriber_id: 'buyer-active', url: subscriber.url, event_types: ['creative.status_changed'], authentication: { schemes: ['Bearer'], credentials: secret } };
      const entry = { brand: { domain: 'active.example' }, operator: 'active.example', billing: 'operator', sandbox: true, notification_configs: [config] };
      const synced = await callTool(seller.url, 'sync_accounts', { accounts: [entry], idempotency_key: 'notification-config-active-0001' });
      expect(synced.isError).toBe(false);
      const account = (synced.body['accounts'] as Array<Record<string, unknown>>)[0]!;
      expect(account).toMatchObject({ action: 'created', status: 'active', notification_configs: [{ subscriber_id: 'buyer-active', active: true, authentication: { schemes: ['Bearer'] } }] });
      expect(subscriber.challenges).toHaveLength(1);
      expect(subscriber.challenges[0]).toMatchObject({
        verified: true,
        body: { type: 'webhook.challenge', account_id: account['account_id'], subscriber_id: 'buyer-active', seller_agent_url: seller.url, delivery_auth: { mode: 'Bearer' }, event_types: ['creative.status_changed'] },
      });
      const listed = await callTool(seller.url, 'list_accounts', { account: { account_id: account['account_id'] } });
      expect(listed.body).toMatchObject({ accounts: [{ account_id: account['account_id'], notification_configs: [{ subscriber_id: 'buyer-active', active: true }] }] });
      expect(JSON.stringify([synced.body, listed.body])).not.toContain(secret);
    } finally {
      subscriber.server.closeAllConnections();
      await new Promise((done) => subscriber.server.close(done));
    }
  }, RUN_TIMEOUT_MS);
});
