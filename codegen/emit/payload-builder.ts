// build-mcp-webhook-payload.ts: buildMcpWebhookPayload(input), a complete schema-valid envelope
// with a fresh idempotency_key, an ISO timestamp and the task type's protocol (omitted when null).
import type { EmitContext, EmittedModule } from './context.js';
import { MODULES, NAMES } from './exported-names.js';
import { importType, jsDoc, propertyKey } from './ts-text.js';

/** Bytes of randomness in an idempotency key: 128 bits, base64url-encoded after a `whk_` prefix. */
const KEY_RANDOM_BYTES = 16;

export function emitPayloadBuilder(ctx: EmitContext): EmittedModule {
  const { taskTypes, statuses, envelope, version } = ctx.model;
  const T = taskTypes.names.type;
  const S = statuses.names.type;
  const body = [
    "import { randomBytes } from 'node:crypto';\n",
    importType([NAMES.payload, NAMES.payloadInput], MODULES.payload),
    importType([S], statuses.names.module),
    importType([T], taskTypes.names.module),
    `import { ${NAMES.protocolTable} } from './${MODULES.protocolTable}.js';\n\n`,
    jsDoc([`Sources of time and randomness for ${NAMES.builder}; inject them in tests.`]),
    `export interface ${NAMES.builderOptions} {\n`,
    '  /** Current time; defaults to `new Date()`. */\n  readonly now?: () => Date;\n',
    '  /** Cryptographically random bytes; defaults to node:crypto randomBytes. */\n  readonly randomBytes?: (size: number) => Uint8Array;\n',
    '}\n\n',
    jsDoc([
      `Builds a complete AdCP ${version} MCP webhook envelope (${envelope.payloadFile}) from \`input\`:`,
      `- \`idempotency_key\`: "whk_" + base64url of ${KEY_RANDOM_BYTES} random bytes (matches ^[A-Za-z0-9_.:-]{16,255}$); reuse the built payload for retries;`,
      '- `timestamp`: ISO 8601 of now;',
      `- \`protocol\`: ${NAMES.protocolTable}[task_type], omitted when null;`,
      '- every other field echoed from `input` (operation_id and token verbatim); absent optional fields are omitted.',
      'Fields appear in schema order.',
    ]),
    `export function ${NAMES.builder}<T extends ${T}, S extends ${S}>(\n`,
    `  input: ${NAMES.payloadInput}<T, S>,\n`,
    `  options: ${NAMES.builderOptions} = {},\n`,
    `): ${NAMES.payload}<T, S> {\n`,
    `  const protocol = ${NAMES.protocolTable}[input.task_type];\n`,
    `  const random = options.randomBytes ?? randomBytes;\n`,
    `  const now = options.now?.() ?? new Date();\n`,
    `  return {\n`,
    ...envelope.payloadFields.map((field) => `    ${fieldInitializer(field.name, field.required)},\n`),
    '  };\n}\n\n',
    'function newIdempotencyKey(random: (size: number) => Uint8Array): string {\n',
    `  return 'whk_' + Buffer.from(random(${KEY_RANDOM_BYTES})).toString('base64url');\n}\n`,
  ].join('');
  return { path: `${MODULES.builder}.ts`, sources: [envelope.payloadFile], body };
}

function fieldInitializer(name: string, required: boolean): string {
  const key = propertyKey(name);
  if (name === 'idempotency_key') return `${key}: newIdempotencyKey(random)`;
  if (name === 'timestamp') return `${key}: now.toISOString()`;
  if (name === 'protocol') return '...(protocol === null ? {} : { protocol })';
  const value = key === name ? `input.${name}` : `input[${key}]`;
  return required ? `${key}: ${value}` : `...(${value} === undefined ? {} : { ${key}: ${value} })`;
}
