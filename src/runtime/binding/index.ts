// The runtime's one narrow entry for generated code (`adcp-codegen/binding`): the binding contract,
// defineBinding, and the JSON Schema format checkers the generated standalone validators call.
// Generated output imports nothing else from the package or its dependencies, so it compiles and
// runs under strict layouts (pnpm, npm --install-strategy=linked). Must stay CommonJS-compilable.
export {
  BINDING_CONTRACT,
  type AdcpBinding,
  type AnyAdcpBinding,
  type BindingSpec,
  type BindingRules,
  type BindingStatusRole,
  type BindingTaskKind,
  type BindingValidationIssue,
  type BindingValidationResult,
  type BindingBuildOptions,
  type BindingPayloadInput,
} from './contract.js';
export { defineBinding } from './define-binding.js';
export { BindingContractError } from './binding-contract-error.js';
export { fullFormats, AJV_FORMAT_NAMES, isAjvFormatName } from './formats.js';
export { jsonEqual } from './json-equal.js';
export { NotificationPayloadError, type NotificationPayloadIssue } from '../notifications/notification-payload-error.js';
