// A TLS key server on loopback for discovery tests: a test CA and a leaf certificate for every
// test host name (made with the openssl CLI in a temporary directory), one node:https server that
// routes on Host + path and counts requests, and fetch options that resolve the test names to
// public documentation-free addresses (so the default SSRF policy admits them) while the socket is
// dialled to the loopback server.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConnector } from '../../../src/runtime/delivery/undici-parts.js';
import type { DiscoveryFetchOptions } from '../../../src/runtime/keys/discovery/guarded-fetch.js';
import type { PublicJwk } from '../../../src/runtime/keys/jwk.js';
import type { HostResolver } from '../../../src/runtime/ssrf/resolver.js';

export interface TestCertificates {
  readonly ca: string;
  readonly key: string;
  readonly cert: string;
}

/** A CA and a leaf for `hostNames`, valid for two days. */
export function makeTestCertificates(hostNames: readonly string[]): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-test-ca-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=adcp-codegen test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    run('req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=adcp-codegen test server');
    const san = hostNames.map((name) => `DNS:${name}`).join(',');
    writeFileSync(join(dir, 'leaf.ext'), `basicConstraints=CA:FALSE\nsubjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
    run('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.crt',
      '-days', '2', '-extfile', 'leaf.ext');
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    return { ca: read('ca.crt'), key: read('leaf.key'), cert: read('leaf.crt') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A canned response; `hang` leaves the request unanswered (the client's deadline must end it). */
export type Route = { status?: number; headers?: Record<string, string>; body?: string | Uint8Array; hang?: boolean };

/** The loopback server. `routes` maps `host/path` to a response (or a function making one). */
export class KeyServer {
  readonly routes = new Map<string, Route | (() => Route)>();
  readonly #counts = new Map<string, number>();
  #server: Server | undefined;
  #port = 0;

  constructor(private readonly certificates: TestCertificates) {}

  async start(): Promise<void> {
    this.#server = createServer({ key: this.certificates.key, cert: this.certificates.cert }, (request, response) => {
      const host = (request.headers.host ?? '').replace(/:\d+$/, '');
      const route = `${host}${request.url ?? ''}`;
      this.#counts.set(route, (this.#counts.get(route) ?? 0) + 1);
      const found = this.routes.get(route);
      const answer = typeof found === 'function' ? found() : (found ?? { status: 404, body: 'not found' });
      if (answer.hang === true) return;
      response.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body ?? '');
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  /** Serves `value` as JSON at `url` (https://host/path). */
  json(url: string, value: unknown): void {
    this.routes.set(routeOf(url), { body: JSON.stringify(value) });
  }

  set(url: string, route: Route | (() => Route)): void {
    this.routes.set(routeOf(url), route);
  }

  /** Requests received for `url` so far. */
  count(url: string): number {
    return this.#counts.get(routeOf(url)) ?? 0;
  }

  totalRequests(): number {
    return [...this.#counts.values()].reduce((sum, n) => sum + n, 0);
  }

  resetCounts(): void {
    this.#counts.clear();
  }

  /**
   * Fetch options for the key source: the default SSRF policy, a resolver giving every name in
   * `addresses` its address (public ones pass the guard; private ones must be refused), TLS trusting
   * the test CA, and a socket connector that dials the loopback server once the guard has passed.
   */
  fetchOptions(
    addresses: Readonly<Record<string, string>>,
    extra: Partial<DiscoveryFetchOptions> = {},
    trustTestCa = true,
  ): DiscoveryFetchOptions {
    const resolver: HostResolver = async (hostname) => {
      const address = addresses[hostname];
      if (address === undefined) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    };
    const dial = buildConnector({ ...(trustTestCa ? { ca: this.certificates.ca } : {}), timeout: 5_000 });
    const port = String(this.#port);
    return {
      resolver,
      socketConnector: (options, callback) => dial({ ...options, hostname: '127.0.0.1', port }, callback),
      connectTimeoutMs: 2_000,
      totalTimeoutMs: 3_000,
      ...extra,
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server?.closeAllConnections();
      this.#server?.close(() => resolve());
    });
  }
}

function routeOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}${parsed.pathname}${parsed.search}`;
}

/** An Ed25519 signing key published the way security.mdx "Webhook callbacks" requires. */
export interface TestSigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: PublicJwk;
}

export function makeSigningKey(kid: string, adcpUse: PublicJwk['adcp_use'] = 'request-signing'): TestSigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const exported = publicKey.export({ format: 'jwk' }) as { x: string };
  const jwk: PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: exported.x, kid, use: 'sig', key_ops: ['verify'], adcp_use: adcpUse, alg: 'EdDSA' };
  return { kid, privateKey, jwk };
}

export interface RevocationPayload {
  readonly issuer: string;
  readonly updated: string;
  readonly next_update: string;
  readonly revoked_kids: readonly string[];
  readonly version?: number;
}

/** A revocation list as a general-serialization JWS signed by `signer`. */
export function signRevocationList(payload: RevocationPayload, signer: TestSigningKey, typ = 'adcp-gov-revocation+jws'): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const protectedHeader = b64({ alg: 'EdDSA', kid: signer.kid, typ });
  const encodedPayload = b64({ version: 1, revoked_jtis: [], ...payload });
  const signature = sign(null, Buffer.from(`${protectedHeader}.${encodedPayload}`), signer.privateKey).toString('base64url');
  return JSON.stringify({ payload: encodedPayload, signatures: [{ protected: protectedHeader, signature }] });
}

/** `unix seconds` → RFC 3339. */
export function isoAt(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
