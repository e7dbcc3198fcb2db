// The seller's MCP endpoint: Streamable HTTP (stateless, JSON responses) on the official MCP
// TypeScript SDK. Each POST gets a fresh server + transport; tools answer per the AdCP MCP guide
// (building/by-layer/L0/mcp-guide.mdx): the AdCP response flat in `structuredContent` (and as JSON
// text), errors as `isError: true` with the AdCP errors beside it.
// The low-level `Server` is used (not `McpServer`) because the tools take raw JSON Schemas.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';

/** A tool's answer: the AdCP response body, and whether it is an error response. */
export interface ToolAnswer {
  readonly body: Record<string, unknown>;
  readonly isError?: boolean;
}

export interface McpTools {
  readonly tools: readonly Tool[];
  call(name: string, args: Record<string, unknown>): ToolAnswer | Promise<ToolAnswer>;
}

const SERVER_INFO = { name: 'adcp-codegen-example-seller', version: '0.1.0' };

/** Answers one HTTP request on the MCP endpoint; only POST is served (no SSE stream, no sessions). */
export async function handleMcpRequest(tools: McpTools, request: IncomingMessage, response: ServerResponse, body: unknown): Promise<void> {
  if (request.method !== 'POST') {
    response.writeHead(405, { Allow: 'POST', 'Content-Type': 'application/json' }).end(
      JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: POST JSON-RPC to this endpoint' }, id: null }),
    );
    return;
  }
  const server = mcpServer(tools);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  response.once('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(request, response, body);
}

function mcpServer(tools: McpTools): Server {
  const server = new Server(SERVER_INFO, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [...tools.tools] }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => toCallToolResult(await tools.call(request.params.name, request.params.arguments ?? {})));
  return server;
}

function toCallToolResult(answer: ToolAnswer): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(answer.body) }],
    structuredContent: answer.body,
    ...(answer.isError === true ? { isError: true } : {}),
  };
}
