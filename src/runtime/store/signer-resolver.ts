// Turning a stored signing descriptor back into a signer. Records name their signing (mode + key id
// or credential reference); the process that sends holds the key material and looks it up here.
import { AdcpError } from '../errors/adcp-error.js';
import type { SignerResolver } from '../delivery/runtime-options.js';
import type { WebhookSigner } from '../signing/webhook-signer.js';
import type { SigningDescriptor } from './delivery-store.js';
import { signingToColumns } from './delivery-row.js';

/** The delivery runtime's SignerResolver, under the name the package root exports. */
export type SigningDescriptorResolver = SignerResolver;

/**
 * A stored delivery names a signing descriptor (mode + key id or credential reference) for which
 * this process holds no signer. Code `ADCP_SIGNING_SIGNER_UNKNOWN`; the delivery is reported with
 * error class `signer_unavailable` and retried.
 */
export class UnknownSignerError extends AdcpError<'ADCP_SIGNING_SIGNER_UNKNOWN'> {
  /** The descriptor that had no signer (names only, never secrets). */
  readonly descriptor: SigningDescriptor;
  constructor(descriptor: SigningDescriptor) {
    super('ADCP_SIGNING_SIGNER_UNKNOWN', `no signer configured for ${describeSigning(descriptor)}`);
    this.descriptor = descriptor;
  }
}

/** Resolves exactly the descriptors of `signers`; any other descriptor throws UnknownSignerError. */
export function signerResolverFor(signers: readonly WebhookSigner[]): SigningDescriptorResolver {
  const byDescriptor = new Map(signers.map((signer) => [descriptorKey(signer.descriptor), signer]));
  return (descriptor) => {
    const signer = byDescriptor.get(descriptorKey(descriptor));
    if (signer === undefined) throw new UnknownSignerError(descriptor);
    return signer;
  };
}

/** `rfc9421 keyid=k1`, `hmac-sha256 credential=buyer/42`, `none`: names only, never secrets. */
export function describeSigning(descriptor: SigningDescriptor): string {
  switch (descriptor.mode) {
    case 'rfc9421':
      return `rfc9421 keyid=${descriptor.keyId}`;
    case 'hmac-sha256':
    case 'bearer':
      return `${descriptor.mode} credential=${descriptor.credentialRef}`;
    case 'none':
      return 'none';
  }
}

function descriptorKey(descriptor: SigningDescriptor): string {
  const { mode, ref } = signingToColumns(descriptor);
  return `${mode}\u0000${ref ?? ''}`;
}
