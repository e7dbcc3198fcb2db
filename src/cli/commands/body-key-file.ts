// `--body-key-file FILE`: the keyring of a store whose bodies are encrypted at rest, for the
// operator commands. The file holds {"activeKeyId": "<id>", "keys": {"<id>": "<base64 of 32 bytes>"}}
// — the application's BodyEncryptionKeyring with each key base64 (or base64url) encoded. Messages
// name the file and key ids only, never a key's bytes or text.
import { readFileSync } from 'node:fs';
import type { BodyEncryptionKeyring } from '../../runtime/store/body-encryption.js';
import { CliError } from '../cli-error.js';

const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

/** Reads and checks a keyring file; the store checks key ids, lengths and the active id again. */
export function readBodyKeyFile(file: string): BodyEncryptionKeyring {
  const parsed = readJson(file);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw refused(file, 'expected a JSON object {activeKeyId, keys}');
  const { activeKeyId, keys } = parsed as { activeKeyId?: unknown; keys?: unknown };
  if (typeof activeKeyId !== 'string') throw refused(file, '"activeKeyId" must be a string');
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) throw refused(file, '"keys" must be an object of key id → base64 key');
  const decoded: Record<string, Uint8Array> = {};
  for (const [keyId, text] of Object.entries(keys as Record<string, unknown>)) decoded[keyId] = decodeKey(file, keyId, text);
  if (!(activeKeyId in decoded)) throw refused(file, `"activeKeyId" ${JSON.stringify(activeKeyId.slice(0, 64))} is not one of its keys`);
  return { activeKeyId, keys: decoded };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw refused(file, `cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw refused(file, 'not valid JSON'); // the parser's message can quote the file's text
  }
}

function decodeKey(file: string, keyId: string, text: unknown): Uint8Array {
  const name = JSON.stringify(keyId.slice(0, 64));
  if (typeof text !== 'string' || !BASE64.test(text)) throw refused(file, `key ${name} must be a base64 string`);
  const bytes = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
  if (bytes.byteLength !== 32) throw refused(file, `key ${name} must decode to 32 bytes (got ${bytes.byteLength})`);
  return bytes;
}

function refused(file: string, reason: string): CliError {
  return new CliError(`--body-key-file ${file}: ${reason}`, 2);
}
