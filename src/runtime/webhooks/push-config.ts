// Reads `push_notification_config` from request params and decides, before any work is queued,
// whether the seller can honour it: shape and bounds by the generated validator, the URL by the
// delivery runtime's synchronous SSRF checks (DNS is judged again at delivery), and
// `operation_id` by the rule of the binding the caller names (the bundled one by default).
import type { PushNotificationConfig } from '../../generated/index.js';
import type { AnyAdcpBinding, BindingValidationResult } from '../binding/index.js';
import { DEFAULT_BINDING, type BindingConfig, type DefaultBinding } from '../routing/binding-types.js';
import { resolveSsrfPolicy, type SsrfOptions, type SsrfPolicy } from '../ssrf/index.js';
import { invalidRequest, type InvalidRequestError } from './invalid-request.js';
import { sanitizeKeyName } from '../json/sanitize-key-name.js';
import { FORBIDDEN_KEYS, plainSnapshot, type Snapshot } from './plain-snapshot.js';
import { readField, UNREADABLE } from './read-field.js';
import { isUrlIssue, urlSchemaIssues, urlVerdict } from './url-verdicts.js';
import { validatorErrorsToInvalidRequest } from './validator-errors.js';

/**
 * The request parameter carrying the buyer's webhook registration, `push_notification_config`
 * (webhooks.mdx "Adding push_notification_config to a request"; core/push-notification-config.json),
 * and the root of every `InvalidRequestError.field` about it.
 */
export const PUSH_CONFIG_FIELD = 'push_notification_config';

/** The fields of PushNotificationConfig this runtime reads and echoes (3.0 has all but operation_id). */
const KNOWN_PUSH_CONFIG_FIELDS = ['url', 'operation_id', 'token', 'authentication'] as const satisfies readonly (keyof PushNotificationConfig)[];
type KnownPushConfigField = (typeof KNOWN_PUSH_CONFIG_FIELDS)[number];
const KNOWN_FIELD_SET: ReadonlySet<string> = new Set(KNOWN_PUSH_CONFIG_FIELDS);

const NO_IGNORED_FIELDS: readonly string[] = Object.freeze([]);

/** `operation_id` charset and length (3.1+ schema); applied to every version since it is echoed. */
const OPERATION_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,255}$/;

/**
 * Whether a registration without `operation_id` is refused by default: the bundled binding's rule,
 * true when core/mcp-webhook-payload.json requires `operation_id` (from AdCP 3.1; sellers MAY reject
 * in 3.1.19, and 3.2 says sellers MUST reject).
 */
export const REQUIRE_OPERATION_ID_BY_DEFAULT: boolean = DEFAULT_BINDING.rules.operationIdRequired;

/**
 * How registrations are judged. The URL rules are the delivery runtime's SSRF options (https only,
 * deny ranges, optional port allowlist); pass the same options the delivery runtime gets.
 */
export interface PushConfigPolicy<B extends AnyAdcpBinding = DefaultBinding> extends SsrfOptions {
  /** Refuse a config without `operation_id`. Default: the binding's `rules.operationIdRequired`. */
  readonly requireOperationId?: boolean;
  /**
   * The AdCP version the buyer speaks: its push_notification_config schema and its operation_id rule
   * judge the registration (a 3.0 buyer registers no operation_id). Default: the bundled binding.
   */
  readonly binding?: B;
}

/** What extractPushNotificationConfig decided: the accepted config (typed by the binding), or why not. */
export type PushConfigExtraction<Config = PushNotificationConfig> =
  | {
      readonly kind: 'ok';
      readonly config: Config;
      /** Extra fields present on the request and ignored (the schema allows them). Names only. */
      readonly ignoredFields: readonly string[];
    }
  | { readonly kind: 'rejected'; readonly errors: readonly [InvalidRequestError, ...InvalidRequestError[]] };

type Rejection = Extract<PushConfigExtraction<never>, { kind: 'rejected' }>;

const STRICT_SSRF_POLICY: SsrfPolicy = resolveSsrfPolicy();
const ssrfPolicies = new WeakMap<PushConfigPolicy<AnyAdcpBinding>, SsrfPolicy>();

/** Resolved once per policy object, so the URL-verdict cache keeps hitting. */
function ssrfPolicyOf(policy: PushConfigPolicy<AnyAdcpBinding>): SsrfPolicy {
  if (policy.unsafeAllowPrivateNetwork !== true && policy.allowedPorts === undefined) return STRICT_SSRF_POLICY;
  let resolved = ssrfPolicies.get(policy);
  if (resolved === undefined) {
    resolved = resolveSsrfPolicy(policy);
    ssrfPolicies.set(policy, resolved);
  }
  return resolved;
}

/**
 * `undefined` when the params carry no push config (absent or null); otherwise the validated
 * config, or an INVALID_REQUEST-shaped rejection naming each problem. Never throws, whatever the
 * value (getters, proxies, revoked proxies at any depth). An accepted `config` is a deep, plain,
 * frozen snapshot: each member was read once, and none of the caller's objects is kept.
 * With `policy.binding` the registration is judged by that AdCP version's schema and operation_id
 * rule, and the config is typed by it. Implements building/by-layer/L3/webhooks.mdx —
 * push_notification_config, and schema core/push-notification-config.json.
 */
export function extractPushNotificationConfig<B extends AnyAdcpBinding = DefaultBinding>(
  params: unknown,
  policy: PushConfigPolicy<B> = {},
): PushConfigExtraction<BindingConfig<B>> | undefined {
  const raw = readField(params, PUSH_CONFIG_FIELD);
  if (raw === UNREADABLE) return rejected(PUSH_CONFIG_FIELD, `${PUSH_CONFIG_FIELD} could not be read`);
  if (raw === undefined || raw === null) return undefined;
  return checkPushConfig(raw, policy) as PushConfigExtraction<BindingConfig<B>>;
}

function checkPushConfig(raw: unknown, policy: PushConfigPolicy<AnyAdcpBinding>): PushConfigExtraction<unknown> {
  if (typeof raw !== 'object' || raw === null) return rejected(PUSH_CONFIG_FIELD, `${PUSH_CONFIG_FIELD} must be an object`);
  const isArray = isArrayOrUnreadable(raw);
  if (isArray === UNREADABLE) return rejected(PUSH_CONFIG_FIELD, `${PUSH_CONFIG_FIELD} could not be read`);
  if (isArray) return rejected(PUSH_CONFIG_FIELD, `${PUSH_CONFIG_FIELD} must be an object`);
  const copied = copyKnownFields(raw);
  if (copied.kind === 'rejected') return copied;
  const { fields } = copied;
  const binding = policy.binding ?? DEFAULT_BINDING;
  const validated = validateWithMemoizedUrl(fields, binding);
  const ssrf = ssrfPolicyOf(policy);
  if (validated.ok && typeof fields.url === 'string' && urlVerdict(fields.url, ssrf) === 'ok' && operationIdAcceptable(fields.operation_id, policy)) {
    return { kind: 'ok', config: Object.freeze(validated.value), ignoredFields: copied.ignoredFields };
  }
  const schemaErrors = validated.ok ? [] : validatorErrorsToInvalidRequest(PUSH_CONFIG_FIELD, validated.errors);
  const reported = new Set(schemaErrors.map((error) => error.field));
  // Every problem at once: the URL and operation_id rules also run when the schema found others.
  const ruleErrors = [
    ...(typeof fields.url === 'string' ? urlErrors(fields.url, ssrf) : []),
    ...operationIdErrors(fields.operation_id, policy),
  ];
  const errors = [...schemaErrors, ...ruleErrors.filter((error) => !reported.has(error.field))];
  if (!validated.ok || errors.length > 0) return rejectedWith(errors);
  return { kind: 'ok', config: Object.freeze(validated.value), ignoredFields: copied.ignoredFields };
}

/** `Array.isArray` throws on a revoked proxy. */
function isArrayOrUnreadable(value: object): boolean | typeof UNREADABLE {
  try {
    return Array.isArray(value);
  } catch {
    return UNREADABLE;
  }
}

/** The cheapest string `format: uri` accepts; stands in for the real URL while the rest is validated. */
const STAND_IN_URL = 'x:y';

/**
 * The generated validator, with the `url` member's checks (type, `format: uri` — a costly regex)
 * memoized per URL string: the URL alone is validated once, the other members on every call with a
 * stand-in URL swapped into `fields` (a fresh object the caller owns) and back. Equivalent to
 * validating the whole object because the schema has no cross-member constraints (no dependencies,
 * if/then or oneOf over members) in any release so far; a property test holds it to the plain validator.
 */
export function validateWithMemoizedUrl<B extends AnyAdcpBinding = DefaultBinding>(
  fields: Partial<Record<KnownPushConfigField, unknown>>,
  binding: B = DEFAULT_BINDING as B,
): BindingValidationResult<BindingConfig<B>> {
  const validate = (value: unknown) => binding.validatePushNotificationConfig(value) as BindingValidationResult<BindingConfig<B>>;
  const { url } = fields;
  if (typeof url !== 'string') return validate(fields);
  const urlIssues = urlSchemaIssues(url, binding);
  fields.url = STAND_IN_URL;
  const rest = validate(fields);
  fields.url = url;
  if (rest.ok && urlIssues.length === 0) return rest;
  return { ok: false, errors: [...urlIssues, ...(rest.ok ? [] : rest.errors.filter((issue) => !isUrlIssue(issue)))] };
}

type CopiedFields =
  | { readonly kind: 'copied'; readonly fields: Partial<Record<KnownPushConfigField, unknown>>; readonly ignoredFields: readonly string[] }
  | Rejection;

/**
 * A fresh plain object holding only the known fields, each a deep frozen snapshot (see
 * plain-snapshot.ts): no prototype tricks, no getters or proxies left, nothing the caller still holds.
 */
function copyKnownFields(raw: object): CopiedFields {
  let ownKeys: string[];
  try {
    ownKeys = Object.keys(raw);
  } catch {
    return rejected(PUSH_CONFIG_FIELD, `${PUSH_CONFIG_FIELD} could not be read`);
  }
  const forbidden = ownKeys.find((key) => FORBIDDEN_KEYS.has(key));
  if (forbidden !== undefined) {
    return rejected(PUSH_CONFIG_FIELD, `${PUSH_CONFIG_FIELD} must not contain the key "${forbidden}"`);
  }
  const fields: Partial<Record<KnownPushConfigField, unknown>> = {};
  for (const name of KNOWN_PUSH_CONFIG_FIELDS) {
    const value = readField(raw, name);
    if (value === UNREADABLE) return rejected(`${PUSH_CONFIG_FIELD}.${name}`, `${PUSH_CONFIG_FIELD}.${name} could not be read`);
    if (typeof value !== 'object' && typeof value !== 'function') {
      if (value !== undefined) fields[name] = value; // a primitive is its own snapshot
      continue;
    }
    const snapshot = plainSnapshot(value);
    if (!snapshot.ok) return snapshotRejection(`${PUSH_CONFIG_FIELD}.${name}`, snapshot);
    if (snapshot.value !== undefined) fields[name] = snapshot.value;
  }
  const ignoredFields = ownKeys.every((key) => KNOWN_FIELD_SET.has(key))
    ? NO_IGNORED_FIELDS
    : Object.freeze(ownKeys.filter((key) => !KNOWN_FIELD_SET.has(key)));
  return { kind: 'copied', fields, ignoredFields };
}

function snapshotRejection(root: string, snapshot: Extract<Snapshot, { ok: false }>): Rejection {
  const field = root + snapshot.path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${sanitizeKeyName(step)}`)).join('');
  switch (snapshot.defect) {
    case 'unreadable':
      return rejected(field, `${field} could not be read`);
    case 'forbidden_key':
      return rejected(field, `${field} must not contain the key "${snapshot.key ?? ''}"`);
    case 'not_data':
      return rejected(field, `${field} must be JSON data (no functions, no cycles)`);
    case 'too_large':
      return rejected(field, `${field} is nested too deeply or holds too many values`);
  }
}

function urlErrors(url: string, ssrf: SsrfPolicy): InvalidRequestError[] {
  const field = `${PUSH_CONFIG_FIELD}.url`;
  switch (urlVerdict(url, ssrf)) {
    case 'ok':
      return [];
    case 'invalid_url':
      return [invalidRequest(field, `${field} must be an absolute https URL without credentials`)];
    case 'ssrf_blocked':
      return [
        invalidRequest(
          field,
          `${field} is not an allowed webhook destination (https only; private, loopback, link-local and other reserved addresses are refused)`,
        ),
      ];
  }
}

/** The fast-path twin of operationIdErrors: no allocation. */
function operationIdAcceptable(operationId: unknown, policy: PushConfigPolicy<AnyAdcpBinding>): boolean {
  if (operationId === undefined) return !operationIdRequired(policy);
  return typeof operationId === 'string' && OPERATION_ID_PATTERN.test(operationId);
}

/** The policy's explicit choice, else the rule of the binding judging the registration. */
function operationIdRequired(policy: PushConfigPolicy<AnyAdcpBinding>): boolean {
  return policy.requireOperationId ?? (policy.binding ?? DEFAULT_BINDING).rules.operationIdRequired;
}

function operationIdErrors(operationId: unknown, policy: PushConfigPolicy<AnyAdcpBinding>): InvalidRequestError[] {
  const field = `${PUSH_CONFIG_FIELD}.operation_id`;
  if (operationId === undefined) {
    const version = (policy.binding ?? DEFAULT_BINDING).version;
    return operationIdRequired(policy)
      ? [invalidRequest(field, `${field} is required: webhooks echo it verbatim (AdCP ${version})`)]
      : [];
  }
  if (typeof operationId !== 'string' || !OPERATION_ID_PATTERN.test(operationId)) {
    return [invalidRequest(field, `${field} must be 1-255 characters from A-Z a-z 0-9 _ . : -`)];
  }
  return [];
}

function rejected(field: string, message: string): Rejection {
  return { kind: 'rejected', errors: [invalidRequest(field, message)] };
}

function rejectedWith(errors: readonly InvalidRequestError[]): Rejection {
  const [first, ...rest] = errors;
  return first === undefined
    ? rejected(PUSH_CONFIG_FIELD, `${PUSH_CONFIG_FIELD} is invalid`)
    : { kind: 'rejected', errors: [first, ...rest] };
}
