// The reference material beside the repository (`../shared`): the published AdCP schema trees,
// docs and vectors. CI lays a copy of it beside the fresh clone, so tests never use absolute paths.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export const sharedDir = resolve(repoRoot, '../shared');
export const sharedSchemasRoot = process.env['ADCP_SCHEMAS_ROOT'] ?? resolve(sharedDir, 'adcp/schemas');
