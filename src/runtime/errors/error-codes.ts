// The catalogue of every `code` an AdcpError can carry, in one convention: `ADCP_<AREA>_<CAUSE>`.
// Codes are stable across releases: a caller may branch on them. A code is never reused for a
// different cause; a retired code stays listed. Wire-level codes defined by the AdCP specification
// (`webhook_signature_invalid`, `duplicate_key_input`, …) are not renamed here: the errors that
// relate to one carry it in a separate, documented field (`specCode`).

/**
 * Every stable error code of the package, with what it means. Keys are the values of
 * `AdcpError.code`; the areas are SSRF, DNS, SIGNING, JSON, DELIVERY, STORE, RECEIVER, KEYS,
 * DISCOVERY, BINDING, NOTIFICATION (runtime) and CODEGEN, CACHE, OUTPUT, DIFF, CONFIG, CLI (generator and CLI).
 */
export const ADCP_ERROR_CODES = Object.freeze({
  // Network guard (security.mdx "Webhook URL validation (SSRF)").
  ADCP_SSRF_BLOCKED: 'The destination resolves to an address the SSRF policy refuses (private, loopback, metadata, non-hardened port, ...).',
  ADCP_DNS_FAILURE: 'The destination host name could not be resolved.',

  // Signing (security.mdx "AdCP RFC 9421 profile", "Legacy HMAC-SHA256 fallback").
  ADCP_SIGNING_CONFIG_INVALID: 'A signer was configured with unusable material: a weak secret, a wrong key type or a bad option.',
  ADCP_SIGNING_TARGET_URI_MALFORMED: 'The webhook URL cannot be canonicalized for @target-uri / @authority (reference/url-canonicalization.mdx).',
  ADCP_SIGNING_COMPONENT_INVALID: 'A covered component of the signature base is missing or contains a line break (RFC 9421 §2.5).',
  ADCP_SIGNING_SIGNER_UNKNOWN: 'No signer is configured for the signing descriptor a stored delivery names.',

  // JSON bodies (security.mdx "Duplicate object keys").
  ADCP_JSON_SYNTAX_INVALID: 'The body is not well-formed JSON (RFC 8259).',
  ADCP_JSON_DUPLICATE_KEY: 'The JSON body repeats an object key; a signer must refuse it (spec code `duplicate_key_input`).',

  // Delivery runtime (webhooks.mdx "Reliability").
  ADCP_DELIVERY_CONFIG_INVALID: 'A delivery, retry or outbox option is out of range, or a required option is missing.',
  ADCP_DELIVERY_ATTEMPT_TIMEOUT: 'Internal abort reason: one attempt exceeded its deadline (reported as error class `timeout`).',
  ADCP_DELIVERY_RESPONSE_TOO_LARGE: 'Internal abort reason: the receiver answered with a body over the read limit.',

  // Durable delivery stores (memory:, sqlite:, postgres://).
  ADCP_STORE_INVALID_CONFIG: 'The store URL or an option is malformed, or names an unknown kind of store.',
  ADCP_STORE_MISSING_DRIVER: 'The store needs a database driver package (better-sqlite3, pg) that is not installed.',
  ADCP_STORE_CANNOT_OPEN: 'The file or database could not be opened (missing directory, permissions, unknown database, authentication).',
  ADCP_STORE_READ_ONLY: 'The store is readable but refuses writes.',
  ADCP_STORE_NOT_A_DATABASE: 'The file exists but is not a SQLite database, or its schema or a stored row is not ours.',
  ADCP_STORE_UNREACHABLE: 'The database server refused or dropped the connection.',
  ADCP_STORE_TIMEOUT: 'The store did not answer within the configured bound.',
  ADCP_STORE_CLOSED: 'The store was closed.',
  ADCP_STORE_FULL: 'The in-memory store holds its maximum of active deliveries.',
  ADCP_STORE_UNKNOWN_DELIVERY: 'No delivery with that id exists in the store.',
  ADCP_STORE_DECRYPTION_FAILED: 'A stored body is encrypted under a key the keyring does not hold, or does not verify.',
  ADCP_STORE_FAILED: 'The database reported another error.',

  // Receiving webhooks (security.mdx "Webhook callbacks"; webhooks.mdx "Signature verification").
  ADCP_RECEIVER_CONFIG_INVALID: 'The webhook receiver options are unusable.',
  ADCP_RECEIVER_KEYS_INVALID: 'A static key set is not a list or a JWKS document, or holds a key without `kid`.',
  ADCP_RECEIVER_STORE_INVALID_CONFIG: 'A receiver store option (cap, prefix, URL) is unusable.',
  ADCP_RECEIVER_STORE_MISSING_DRIVER: 'The receiver store needs a driver package (better-sqlite3, pg, ioredis) that is not installed.',
  ADCP_RECEIVER_STORE_CLOSED: 'The receiver store was closed.',
  ADCP_RECEIVER_STORE_FAILED: 'The receiver store backend reported an error.',

  // Key discovery (security.mdx "Key discovery", brand.json jwks_uri).
  ADCP_KEYS_ALG_UNKNOWN: 'A key algorithm name is not one of ed25519 / es256 (JWK alg EdDSA / ES256).',
  ADCP_KEYS_PURPOSE_UNKNOWN: 'A key purpose (`adcp_use`) is not one the webhook profile accepts.',
  ADCP_KEYS_PRIVATE_MEMBER: 'A key meant for publication carries private members (`d`, ...); it is never published.',
  ADCP_KEYS_INVALID_KEY: 'A JWK lacks a member a verifier requires (`kid`, `use`, `key_ops`, `alg`, `adcp_use`) or is not a valid Ed25519 / P-256 key.',
  ADCP_KEYS_KID_COLLISION: 'Two keys of one JWKS or key set share a `kid`.',
  ADCP_KEYS_NO_ACTIVE_KEY: 'A key set has no active key to sign with, so nothing can be signed or advertised.',
  ADCP_KEYS_INVALID_OPTION: 'A key, key set, capability or publication option is unusable (a non-https URL, a signer outside the profile, a bad kid).',
  ADCP_KEYS_CONFIG_INVALID: 'The brand.json key source configuration is unusable (no agent, a non-https URL, a bad bound).',
  ADCP_DISCOVERY_BODY_LIMIT: 'Internal abort reason: a discovery document is over its size limit.',
  ADCP_DISCOVERY_DEADLINE: 'Internal abort reason: a discovery fetch passed its deadline or was refused mid-response.',

  // Generated version bindings (the contract between a generated binding.ts and the runtime).
  ADCP_BINDING_CONTRACT_INVALID: 'A generated binding does not meet the runtime binding contract (contract number, a status without a role, a missing validator); regenerate it.',

  // Webhook kinds beyond the task webhook (building/by-layer/L3/webhooks.mdx "Persistent channel contract").
  ADCP_NOTIFICATION_PAYLOAD_INVALID: 'A notification payload does not match its kind\'s payload schema (the error names the kind and the JSON pointer).',

  // Generator and CLI.
  ADCP_CODEGEN_INPUT_INVALID: 'A schema file or the schema tree is unusable (missing, garbled JSON, unresolved $ref, unknown keyword).',
  ADCP_CACHE_INVALID: 'The schema cache, its lock file or a sync source is missing, unreadable or inconsistent.',
  ADCP_CACHE_DOWNLOAD_FAILED: 'A schema release could not be downloaded (network error or HTTP refusal).',
  ADCP_CACHE_DOWNLOAD_TOO_LARGE: 'A download (or a local tarball) is larger than the download size cap of `sync`.',
  ADCP_CACHE_UNPACKED_TOO_LARGE: 'A release tarball unpacks to more than the total unpacked size cap.',
  ADCP_CACHE_ENTRY_TOO_LARGE: 'One release tarball entry is larger than the per-entry size cap.',
  ADCP_CACHE_SIGNATURE_INVALID: "A release's Sigstore signature or certificate does not verify, or only one of the two is published.",
  ADCP_CACHE_SIGNATURE_MISSING: 'A release carries no Sigstore signature and one is required (`sync --require-signature`).',
  ADCP_OUTPUT_INVALID: 'The generated-output directory cannot be read or written.',
  ADCP_DIFF_SNAPSHOT_INVALID: 'A schema snapshot given to `diff` is missing, unreadable or not an AdCP schema tree.',
  ADCP_CONFIG_INVALID: 'The project config file (adcp-codegen.config.json) is unreadable or malformed.',
  ADCP_CLI_INPUT_INVALID: 'A CLI command got bad input (flags, files); exit code 2.',
  ADCP_CLI_CHECK_FAILED: 'A CLI command ran and reports a negative result (drift, not delivered, breaking change); exit code 1.',
} as const);

/** A stable error code: one key of {@link ADCP_ERROR_CODES}. */
export type AdcpErrorCode = keyof typeof ADCP_ERROR_CODES;

/** True when `code` is listed in {@link ADCP_ERROR_CODES}. */
export function isAdcpErrorCode(code: unknown): code is AdcpErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ADCP_ERROR_CODES, code);
}
