// Exhaustiveness guard for switches over generated unions (TaskStatus, SpecWebhookTaskType).
// When a regenerated union gains or renames a member, the `default:` branch stops receiving
// `never` and tsc reports the offending member by name at the call site.

export function assertNever(value: never, what: string): never {
  throw new TypeError(`unhandled ${what}: ${String(value)}`);
}
