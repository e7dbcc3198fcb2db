// What the buyer registered for a webhook URL, which fixes how its deliveries are authenticated
// (security.mdx "Webhook callbacks" → "Mode selection is a switch, not both"): RFC 9421 unless the
// buyer opted into the legacy HMAC-SHA256 or Bearer scheme through `authentication`.
import type { SpecWebhookTaskType } from '../../generated/task-types.js';
import type { AnyAdcpBinding } from '../binding/index.js';
import type { WebhookFormat } from './events.js';

interface RegistrationMembers {
  /**
   * `push_notification_config.token`, when one was registered: compared in constant time with the
   * payload's `token` (MCP) or the `X-A2A-Notification-Token` header (A2A). Absent: not checked.
   */
  readonly token?: string;
  /** The envelope shape the registration channel delivers; detected from the body when absent. */
  readonly format?: WebhookFormat;
  /** For A2A deliveries, which carry no task type: the task this registration was made for. */
  readonly taskType?: SpecWebhookTaskType;
  /**
   * The AdCP version the seller behind this registration speaks (a 3.0 seller sends no
   * operation_id): its binding validates the envelope. Default: the receiver's binding.
   */
  readonly binding?: AnyAdcpBinding;
}

/** The RFC 9421 webhook profile (the 3.x default: no `authentication` registered). */
export interface Rfc9421Registration extends RegistrationMembers {
  readonly mode: 'rfc9421';
  /** The seller's agent URL, passed to the key source as the expected sender. */
  readonly expectedSender?: string;
}

/** Legacy HMAC-SHA256 (`authentication.schemes: ["HMAC-SHA256"]`), deprecated, removed in 4.0. */
export interface HmacRegistration extends RegistrationMembers {
  readonly mode: 'hmac';
  /** The shared secret, or [current, previous] during a rotation. */
  readonly secret: string | readonly string[];
  /** The sender identity the secret binds (dedup scope), e.g. the seller's agent URL. */
  readonly sender: string;
}

/** Legacy Bearer (`authentication.schemes: ["Bearer"]`), deprecated, removed in 4.0. */
export interface BearerRegistration extends RegistrationMembers {
  readonly mode: 'bearer';
  /** The credential, or [current, previous] during a rotation. */
  readonly credentials: string | readonly string[];
  readonly sender: string;
}

/**
 * What the buyer registered at a webhook URL, discriminated on `mode`: how its deliveries must
 * authenticate. `rfc9421` is the 3.x default (no `authentication` in the push_notification_config);
 * `hmac` and `bearer` are the deprecated legacy schemes the buyer opted into with
 * `authentication.schemes`. One mode per registration, never a fallback from one to another
 * (security.mdx "Webhook callbacks", "Mode selection is a switch, not both";
 * core/push-notification-config.json).
 */
export type WebhookRegistration = Rfc9421Registration | HmacRegistration | BearerRegistration;

/** The request facts a registration lookup may key on. */
export interface RegistrationQuery {
  /** The signed URL (configured public base URL + request target). */
  readonly url: string;
  readonly method: string;
}

/**
 * One registration for every request, or a lookup (e.g. by URL path, per seller). `undefined`
 * answers 404: nothing was registered at that URL.
 */
export type RegistrationResolver =
  | WebhookRegistration
  | ((query: RegistrationQuery) => WebhookRegistration | undefined | Promise<WebhookRegistration | undefined>);
