// `adcp-codegen webhook send` as a user runs it: the BUILT CLI in a child process, delivering to a
// real node:http receiver in this process (so the child is spawned asynchronously).
import { spawn } from 'node:child_process';
import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDictionary, type InnerList } from 'structured-headers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSignatureBase } from '../../src/runtime/signing/signature-base.js';
import { startReceiver, type Receiver } from '../delivery/support/receiver.js';
import { cliPath, repoRoot, type CliRun } from '../helpers/cli.js';

function runCli(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

let dir: string;
let jwkFile: string;
let publicKey: import('node:crypto').KeyObject;
const receivers: Receiver[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'adcp-send-'));
  const pair = generateKeyPairSync('ed25519');
  publicKey = pair.publicKey;
  jwkFile = join(dir, 'key.jwk');
  writeFileSync(jwkFile, JSON.stringify({ ...pair.privateKey.export({ format: 'jwk' }), kid: 'cli-key-1' }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});

async function receiver(statuses: readonly number[] = [204]): Promise<Receiver> {
  const started = await startReceiver((_request, response, index) => {
    response.writeHead(statuses[Math.min(index, statuses.length - 1)] ?? 204).end();
  });
  receivers.push(started);
  return started;
}

const base = (url: string) => ['webhook', 'send', '--url', url, '--task-type', 'create_media_buy', '--status', 'completed', '--operation-id', 'op_cli_1'];
const loopback = ['--unsafe-allow-private-network'];

describe('webhook send: delivered', () => {
  it('builds the envelope, signs it (RFC 9421, Ed25519) and exits 0 with a JSON result', async () => {
    const hook = await receiver([204]);
    const resultFile = join(dir, 'result.json');
    writeFileSync(resultFile, JSON.stringify({ media_buy_id: 'mb_1', status: 'completed', packages: [], confirmed_at: '2026-01-01T00:00:00Z', revision: 1 }));
    const run = await runCli([...base(`${hook.url}?op=1`), '--task-id', 'task_9', '--token', 'tok_abcdefghijklmnop', '--result-file', resultFile, '--jwk', jwkFile, ...loopback, '--json']);

    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ delivered: true, attempts: 1, final_status: 204, error: null });
    expect(run.stderr).toContain('--unsafe-allow-private-network');

    const [request] = hook.requests;
    const envelope = JSON.parse(request!.body.toString('utf8'));
    expect(envelope).toMatchObject({
      idempotency_key: json.idempotency_key,
      operation_id: 'op_cli_1',
      task_id: 'task_9',
      task_type: 'create_media_buy',
      protocol: 'media-buy',
      status: 'completed',
      token: 'tok_abcdefghijklmnop',
      result: { media_buy_id: 'mb_1' },
    });
    expect(request!.headers['content-type']).toBe('application/json');

    const input = parseDictionary(String(request!.headers['signature-input'])).get('sig1') as InnerList;
    const params = Object.fromEntries(input[1]) as Record<string, string | number>;
    const signatureBase = buildSignatureBase({
      method: 'POST',
      url: `http://127.0.0.1:${hook.port}${request!.url}`,
      contentType: 'application/json',
      contentDigest: String(request!.headers['content-digest']),
      params: { created: Number(params.created), expires: Number(params.expires), nonce: String(params.nonce), keyid: String(params.keyid), alg: String(params.alg) },
    });
    const signature = /^sig1=:([A-Za-z0-9_-]+):$/.exec(String(request!.headers.signature))![1]!;
    expect(params.keyid).toBe('cli-key-1');
    expect(verify(null, Buffer.from(signatureBase), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  });

  it('retries 503 with the same bytes and reports the attempts', async () => {
    const hook = await receiver([503, 503, 200]);
    const run = await runCli([...base(hook.url), '--unsigned', '--max-attempts', '3', '--retry-base-ms', '1', ...loopback, '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ delivered: true, attempts: 3, final_status: 200 });
    expect(hook.requests.map((request) => request.body.toString())).toEqual(Array(3).fill(hook.requests[0]!.body.toString()));
    expect(hook.requests[0]!.headers.signature).toBeUndefined();
  });

  it('--bearer and --hmac-secret use the legacy schemes; a plain run prints one summary line', async () => {
    const hook = await receiver([200]);
    const bearer = await runCli([...base(hook.url), '--bearer', 'bearer_0123456789abcdef0123456789abcdef', ...loopback]);
    const hmac = await runCli([...base(hook.url), '--hmac-secret', 'hmac_0123456789abcdef0123456789abcdef', ...loopback]);
    expect([bearer.status, hmac.status]).toEqual([0, 0]);
    expect(bearer.stdout).toMatch(/^delivered \(HTTP 200\) after 1 attempt; idempotency_key whk_/);
    expect(hook.requests[0]!.headers.authorization).toBe('Bearer bearer_0123456789abcdef0123456789abcdef');
    expect(hook.requests[1]!.headers['x-adcp-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(hook.requests[1]!.headers['x-adcp-timestamp']).toMatch(/^\d+$/);
  });
});

describe('webhook send: not delivered (exit 1)', () => {
  it('409 is terminal', async () => {
    const hook = await receiver([409]);
    const run = await runCli([...base(hook.url), '--unsigned', ...loopback, '--json']);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ delivered: false, attempts: 1, final_status: 409, error: 'http_409' });
  });

  it('a receiver that never answers: the --timeout-ms deadline', async () => {
    const hanging = await startReceiver(() => undefined);
    receivers.push(hanging);
    const run = await runCli([...base(hanging.url), '--unsigned', '--timeout-ms', '200', '--max-attempts', '1', ...loopback, '--json']);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ delivered: false, error: 'timeout', final_status: null });
  });
});

describe('webhook send: bad input (exit 2)', () => {
  it.each([
    [['--task-type', 'not_a_task'], /unknown --task-type "not_a_task" \(one of: .*create_media_buy/],
    [['--status', 'almost-done'], /unknown --status "almost-done" \(one of: .*completed/],
    [['--max-attempts', '0'], /--max-attempts must be an integer >= 1/],
    [['--timeout-ms', 'soon'], /--timeout-ms must be an integer >= 1/],
    [['--result-file', '/nonexistent/result.json'], /cannot read --result-file "\/nonexistent\/result.json" \(ENOENT\)/],
  ])('%j', async (extra, message) => {
    const hook = await receiver();
    const args = [...base(hook.url), '--unsigned', ...loopback];
    for (let i = 0; i < extra.length; i += 2) {
      const at = args.indexOf(extra[i]!);
      if (at === -1) args.push(extra[i]!, extra[i + 1]!);
      else args[at + 1] = extra[i + 1]!;
    }
    const run = await runCli(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(hook.connections()).toBe(0);
  });

  it('a result file that is not JSON', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{not json');
    const run = await runCli([...base('https://buyer.example/hook'), '--unsigned', '--result-file', bad]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--result-file ".*bad.json" is not valid JSON/);
  });

  it('no signing mode, or two', async () => {
    const none = await runCli(base('https://buyer.example/hook'));
    const two = await runCli([...base('https://buyer.example/hook'), '--unsigned', '--bearer', 'bearer_0123456789abcdef0123456789abcdef']);
    expect([none.status, two.status]).toEqual([2, 2]);
    expect(none.stderr).toMatch(/choose exactly one of --jwk, --hmac-secret, --bearer, --unsigned/);
    expect(two.stderr).toMatch(/got --bearer and --unsigned/);
    expect(two.stderr).not.toContain('bearer_0123456789abcdef');
  });

  it('a short HMAC secret is refused without echoing it', async () => {
    const run = await runCli([...base('https://buyer.example/hook'), '--hmac-secret', 'short-secret-xyz']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--hmac-secret refused/);
    expect(run.stderr).not.toContain('short-secret-xyz');
  });

  it('URLs the SSRF guard refuses: http and loopback without the unsafe flag, userinfo, malformed', async () => {
    const hook = await receiver();
    const cases: [string, RegExp][] = [
      [hook.url, /refused before sending: ssrf_blocked/],
      [`https://127.0.0.1:${hook.port}/hook`, /refused before sending: ssrf_blocked/],
      ['https://user:hunter2-password@buyer.example/hook', /refused before sending: invalid_url/],
      ['not a url', /refused before sending: invalid_url/],
    ];
    for (const [url, message] of cases) {
      const run = await runCli([...base(url), '--unsigned', '--json']);
      expect(run.status, url).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain('hunter2');
      expect(JSON.parse(run.stdout)).toMatchObject({ delivered: false, attempts: 0 });
    }
    expect(hook.connections()).toBe(0);
  });
});

describe('webhook send --kind: any standalone webhook kind through the same signed path', () => {
  const purged = { notification_id: 'cre_7:purge', subscriber_id: 'buyer-primary', account_id: 'acc_1', creative_id: 'cre_7', purge_kind: 'soft', purged_at: '2026-12-01T10:00:00Z', reason_code: 'retention_expired', initiator: 'system' };
  const kindArgs = (url: string, kind: string, payload: object) => {
    const file = join(dir, `${kind}.json`);
    writeFileSync(file, JSON.stringify(payload));
    return ['webhook', 'send', '--url', url, '--kind', kind, '--payload-file', file];
  };

  it('builds the payload (key, fire timestamp, discriminator), signs it and exits 0', async () => {
    const hook = await receiver([204]);
    const run = await runCli([...kindArgs(hook.url, 'creative.purged', purged), '--jwk', jwkFile, ...loopback, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ delivered: true, attempts: 1, final_status: 204 });
    const request = hook.requests[0]!;
    const body = JSON.parse(request.body.toString('utf8'));
    expect(body).toMatchObject({ ...purged, notification_type: 'creative.purged', idempotency_key: json.idempotency_key });
    expect(body.fired_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const input = parseDictionary(String(request.headers['signature-input'])).get('sig1') as InnerList;
    const params = Object.fromEntries(input[1]) as Record<string, string | number>;
    const signatureBase = buildSignatureBase({
      method: 'POST',
      url: `http://127.0.0.1:${hook.port}${request.url}`,
      contentType: 'application/json',
      contentDigest: String(request.headers['content-digest']),
      params: { created: Number(params.created), expires: Number(params.expires), nonce: String(params.nonce), keyid: String(params.keyid), alg: String(params.alg) },
    });
    const signature = /^sig1=:([A-Za-z0-9_-]+):$/.exec(String(request.headers.signature))![1]!;
    expect(verify(null, Buffer.from(signatureBase), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  });

  it('an invalid payload exits 2 naming its JSON pointer; nothing is sent', async () => {
    const hook = await receiver();
    const run = await runCli([...kindArgs(hook.url, 'creative.purged', { ...purged, purge_kind: 'partial' }), '--unsigned', ...loopback]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/creative\.purged payload is invalid at \/purge_kind: must be equal to one of the allowed values/);
    expect(hook.connections()).toBe(0);
  });

  it.each([
    [['--kind', 'budget.exhausted'], /unknown --kind "budget.exhausted" \(one of: .*creative\.purged/],
    [['--kind', 'impairment'], /--kind impairment travels in the task envelope/],
    [['--kind', 'creative.purged', '--status', 'completed'], /--status belong to task envelopes/],
    [['--kind', 'creative.purged'], /--kind needs --payload-file/],
    [[], /--task-type, --status and --operation-id are required \(or --kind with --payload-file\)/],
  ])('%j exits 2', async (extra, message) => {
    const hook = await receiver();
    const run = await runCli(['webhook', 'send', '--url', hook.url, ...extra, '--unsigned', ...loopback]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(hook.connections()).toBe(0);
  });
});
