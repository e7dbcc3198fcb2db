// Authenticates one webhook request in the mode the buyer registered — a switch, never a fallback
// (AdCP: a receiver must not "try 9421, then HMAC"): the RFC 9421 webhook profile against the
// seller's JWKS (the default), legacy HMAC-SHA256, or a legacy Bearer token. Secrets are compared in
// constant time; failures carry the spec's error code and nothing secret.
import type { IncomingHttpHeaders } from 'node:http';
import { tokensEqual, verifyHmacWebhook, verifyRfc9421Webhook, type PublicJwk, type ReplayGuard } from '../../src/index.js';

export type ReceiverAuthentication =
  /** RFC 9421 (no `authentication` in the push config): the seller's public keys, from its brand.json jwks_uri. */
  | { readonly mode: 'rfc9421'; readonly jwks: readonly PublicJwk[]; readonly replay: ReplayGuard }
  /** Legacy `authentication: { schemes: ['HMAC-SHA256'], credentials }`; [current, previous] while rotating. */
  | { readonly mode: 'hmac-sha256'; readonly secret: string | readonly string[] }
  /** Legacy `authentication: { schemes: ['Bearer'], credentials }`. */
  | { readonly mode: 'bearer'; readonly token: string };

export interface ReceivedRequest {
  readonly method: string;
  /** Absolute URL the sender posted to (scheme, authority, path and query): the signed @target-uri. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Unix seconds. */
  readonly now: number;
}

export type Authentication =
  /** `sender` scopes idempotency keys: keys of different senders never collide. */
  | { readonly ok: true; readonly sender: string }
  | { readonly ok: false; readonly code: string; readonly challenge: string };

export function authenticate(request: ReceivedRequest, auth: ReceiverAuthentication): Authentication {
  switch (auth.mode) {
    case 'rfc9421': {
      const result = verifyRfc9421Webhook({ ...request, jwks: auth.jwks, replay: auth.replay });
      return result.ok ? { ok: true, sender: `keyid:${result.keyid}` } : signatureFailure(result.code);
    }
    case 'hmac-sha256': {
      const result = verifyHmacWebhook({ headers: request.headers, body: request.body, secret: auth.secret, now: request.now });
      return result.ok ? { ok: true, sender: 'hmac' } : signatureFailure(result.code);
    }
    case 'bearer': {
      const presented = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (presented !== undefined && tokensEqual(presented, auth.token)) return { ok: true, sender: 'bearer' };
      return { ok: false, code: 'invalid_token', challenge: 'Bearer error="invalid_token"' };
    }
  }
}

/** A `Signature error="webhook_…"` challenge tells the sender the failure is terminal for this delivery. */
function signatureFailure(code: string): Authentication {
  return { ok: false, code, challenge: `Signature error="${code}"` };
}
