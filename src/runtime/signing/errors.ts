// Typed errors of the signing layer. Messages name the cause and never carry a secret, a token, a
// signature, key material or a URL query string.

/** A signer was configured with unusable material (weak secret, wrong key type, bad option). */
export class SigningConfigError extends Error {
  readonly code = 'signing_config_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'SigningConfigError';
  }
}

/** The URL cannot be canonicalized for `@target-uri` / `@authority` (AdCP URL canonicalization). */
export class TargetUriMalformedError extends Error {
  readonly code = 'target_uri_malformed';
  constructor(reason: string) {
    super(`webhook URL is malformed: ${reason}`);
    this.name = 'TargetUriMalformedError';
  }
}
