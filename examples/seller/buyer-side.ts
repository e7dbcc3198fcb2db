// What a buyer does against the seller, on public APIs only: call an MCP tool (the official MCP
// client over Streamable HTTP), and find the seller's webhook keys the way security.mdx
// "Discovering an agent's signing keys via brand_json_url" says: get_adcp_capabilities →
// `identity.brand_json_url` → the brand.json `agents[]` entry whose `url` is the agent URL → its
// `jwks_uri` → the keys whose `adcp_use` is a webhook-valid purpose.
// (A production receiver uses `brandJsonKeySource` from adcp-codegen, which also binds origins,
// requires https and checks the revocation list; this demo runs on http loopback.)
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { PublicJwk } from '../../src/index.js';

export interface ToolCallResult {
  readonly isError: boolean;
  /** The AdCP response (the tool's `structuredContent`). */
  readonly body: Record<string, unknown>;
}

/** Calls one MCP tool on `agentUrl` and closes the connection. */
export async function callTool(agentUrl: string, name: string, args: Record<string, unknown>): Promise<ToolCallResult> {
  const client = new Client({ name: 'adcp-codegen-example-buyer', version: '0.1.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(agentUrl)));
  try {
    const result = await client.callTool({ name, arguments: args });
    const body = (result.structuredContent ?? {}) as Record<string, unknown>;
    return { isError: result.isError === true, body };
  } finally {
    await client.close();
  }
}

/** Webhook-valid key purposes (security.mdx "Webhook callbacks"): canonical, then deprecated. */
export const WEBHOOK_KEY_PURPOSES: readonly string[] = ['request-signing', 'webhook-signing'];

export interface DiscoveredKeys {
  readonly brandJsonUrl: string;
  readonly jwksUri: string;
  /** The JWKS keys with a webhook-valid `adcp_use`. */
  readonly keys: readonly PublicJwk[];
}

/** Follows capabilities → brand.json → jwks_uri; throws naming the step that failed. */
export async function discoverWebhookKeys(agentUrl: string): Promise<DiscoveredKeys> {
  const capabilities = await callTool(agentUrl, 'get_adcp_capabilities', {});
  const identity = capabilities.body['identity'] as { brand_json_url?: unknown } | undefined;
  const brandJsonUrl = identity?.brand_json_url;
  if (typeof brandJsonUrl !== 'string') throw new Error('get_adcp_capabilities has no identity.brand_json_url');
  const brandJson = (await fetchJson(brandJsonUrl, 'brand.json')) as { agents?: unknown };
  const entries = Array.isArray(brandJson.agents) ? (brandJson.agents as { url?: unknown; jwks_uri?: unknown }[]) : [];
  const entry = entries.find((agent) => agent.url === agentUrl);
  if (entry === undefined) throw new Error(`brand.json has no agents[] entry for ${agentUrl}`);
  const jwksUri = typeof entry.jwks_uri === 'string' ? entry.jwks_uri : new URL('/.well-known/jwks.json', agentUrl).href;
  const jwks = (await fetchJson(jwksUri, 'JWKS')) as { keys?: unknown };
  type Listed = PublicJwk & { readonly adcp_use?: unknown; readonly revoked?: unknown; readonly d?: unknown };
  const keys = (Array.isArray(jwks.keys) ? (jwks.keys as Listed[]) : []).filter(
    (key) => typeof key.adcp_use === 'string' && WEBHOOK_KEY_PURPOSES.includes(key.adcp_use) && key.revoked !== true && key.d === undefined,
  );
  if (keys.length === 0) throw new Error(`the JWKS at ${jwksUri} has no webhook-valid signing key`);
  return { brandJsonUrl, jwksUri, keys };
}

async function fetchJson(url: string, what: string): Promise<unknown> {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (response.status !== 200) throw new Error(`${what} at ${url} answered HTTP ${response.status}`);
  return (await response.json()) as unknown;
}
