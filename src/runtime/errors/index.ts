// The error model of the package: the base class, its code catalogue, and every error class the
// runtime throws, in one place.
export { AdcpError, isAdcpError } from './adcp-error.js';
export { ADCP_ERROR_CODES, isAdcpErrorCode, type AdcpErrorCode } from './error-codes.js';
export { SigningConfigError, TargetUriMalformedError, SignatureComponentError } from '../signing/errors.js';
export { JsonSyntaxError, DuplicateKeyInputError } from '../json/duplicate-keys.js';
export { SsrfBlockedError, DnsFailureError } from '../ssrf/errors.js';
export { DeliveryConfigError } from '../delivery/errors.js';
export { DeliveryStoreError, DELIVERY_STORE_ERROR_CODES, type DeliveryStoreErrorCode } from '../store/delivery-store-error.js';
export { MemoryStoreError } from '../store/memory-store.js';
export { UnknownSignerError } from '../store/signer-resolver.js';
export { ReceiverConfigError } from '../receiver/receiver.js';
export { StaticKeysInvalidError } from '../receiver/static-key-source.js';
export { ReceiverStoreError, type ReceiverStoreErrorCode } from '../receiver/stores/limits.js';
export { KeySourceConfigError } from '../keys/discovery/brand-json-key-source.js';
export { BindingContractError } from '../binding/binding-contract-error.js';
export { NotificationPayloadError } from '../notifications/notification-payload-error.js';
