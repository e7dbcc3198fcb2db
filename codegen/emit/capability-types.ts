// capabilities.ts: the `webhook_signing` and `identity` blocks of a seller's get_adcp_capabilities
// response (protocol/get-adcp-capabilities-response.json /properties/webhook_signing, /properties/identity),
// the blocks a seller that emits signed webhooks advertises (security.mdx "Webhook callbacks",
// "Agent key publication"). A release without one of them leaves its type `never`, so code that builds
// it fails to compile against that release.
import type { JsonObject } from '../load/json.js';
import { assignDeclarationNames } from '../transform/declaration-names.js';
import type { EmitContext, EmittedModule } from './context.js';
import { MODULES, NAMES } from './exported-names.js';
import { compileDeclarations } from './schema-to-ts.js';
import { createTypeGraph, referencedFileCount } from './type-graph.js';

/** The schema file the capability blocks are read from. */
export const CAPABILITIES_RESPONSE_FILE = 'protocol/get-adcp-capabilities-response.json';

const BLOCKS = [
  { member: 'webhook_signing', name: NAMES.webhookSigningCapability },
  { member: 'identity', name: NAMES.identityCapability },
] as const;

/** Emits capabilities.ts; `reserved` are names other modules already declare. */
export async function emitCapabilityTypes(ctx: EmitContext, reserved: ReadonlySet<string>): Promise<EmittedModule> {
  const { graph, importLines } = createTypeGraph(ctx, undefined);
  const response = ctx.store.exists(CAPABILITIES_RESPONSE_FILE) ? (ctx.store.readSchema(CAPABILITIES_RESPONSE_FILE) as JsonObject) : {};
  const members = (response['properties'] ?? {}) as JsonObject;
  const present = BLOCKS.filter((block) => members[block.member] !== undefined);
  const root: JsonObject = {
    title: NAMES.capabilityBlocks,
    description: `The signing-related blocks of an AdCP ${ctx.model.version} get_adcp_capabilities response (${CAPABILITIES_RESPONSE_FILE}).`,
    type: 'object',
    additionalProperties: false,
    required: present.map((block) => block.member),
    properties: Object.fromEntries(
      present.map((block) => [block.member, { allOf: [graph.nodeAt({ file: CAPABILITIES_RESPONSE_FILE, pointer: `/properties/${block.member}` })] }]),
    ),
  };
  const declared = assignDeclarationNames(root, graph, new Set([...reserved, ...BLOCKS.map((block) => block.name)]), ctx.libs.safeName);
  const source = await compileDeclarations(ctx.libs, root, declared);
  return {
    path: `${MODULES.capabilities}.ts`,
    sources: [CAPABILITIES_RESPONSE_FILE],
    referencedCount: referencedFileCount(graph.files, [CAPABILITIES_RESPONSE_FILE]),
    body: importLines() + '\n' + source + '\n' + BLOCKS.map((block) => blockAlias(block, present.includes(block))).join('\n'),
  };
}

function blockAlias(block: (typeof BLOCKS)[number], present: boolean): string {
  const doc = present
    ? `/** \`${block.member}\` of ${CAPABILITIES_RESPONSE_FILE}. */`
    : `/** ${CAPABILITIES_RESPONSE_FILE} has no \`${block.member}\` in this release. */`;
  const type = present ? `${NAMES.capabilityBlocks}['${block.member}']` : 'never';
  return `${doc}\nexport type ${block.name} = ${type};\n`;
}
