// Which AdCP release the cache holds: manifest.json / index.json `adcp_version`, cross-checked with the
// version segment of the envelope schema's `$id`.
import { CodegenError } from '../errors.js';
import { isJsonObject } from './json.js';
import { CANONICAL_SCHEMA_ORIGIN } from './refs.js';
import type { SchemaStore } from './schema-store.js';

export const ENVELOPE_FILE = 'core/mcp-webhook-payload.json';

export function detectAdcpVersion(store: SchemaStore): string {
  const fromId = versionFromEnvelopeId(store);
  for (const file of ['manifest.json', 'index.json']) {
    if (!store.exists(file)) continue;
    const json = store.readJson(file);
    const declared = isJsonObject(json) ? json['adcp_version'] : undefined;
    if (typeof declared !== 'string') continue;
    if (declared !== fromId) {
      throw new CodegenError(`adcp_version "${declared}" disagrees with the ${ENVELOPE_FILE} $id version "${fromId}"`, store.display(file));
    }
    return declared;
  }
  return fromId;
}

function versionFromEnvelopeId(store: SchemaStore): string {
  if (!store.exists(ENVELOPE_FILE)) {
    throw new CodegenError(`not an AdCP schema release: ${ENVELOPE_FILE} is missing`, store.dir);
  }
  const schema = store.readSchema(ENVELOPE_FILE);
  const id = isJsonObject(schema) ? schema['$id'] : undefined;
  const match = typeof id === 'string' ? /^(?:https:\/\/adcontextprotocol\.org)?\/schemas\/([^/]+)\/core\/mcp-webhook-payload\.json$/.exec(id) : null;
  if (!match?.[1]) {
    throw new CodegenError(`$id ${JSON.stringify(id)} does not name a versioned ${CANONICAL_SCHEMA_ORIGIN}/schemas/<version>/ path`, store.display(ENVELOPE_FILE));
  }
  return match[1];
}
