// Exhaustiveness guard for switches over generated unions (TaskStatus, SpecWebhookTaskType).
// When a regenerated union gains or renames a member, the `default:` branch stops receiving
// `never` and tsc reports the offending member by name at the call site.

export function assertNever(value: never, what: string): never {
  throw new TypeError(`unhandled ${what}: ${String(value)}`);
}

/**
 * `true` when `Members` is empty; otherwise the union itself, so that assigning `true` to it fails
 * compilation with a message listing every member, e.g. Type 'true' is not assignable to type
 * '"buy_products" | "accept_proposal"'. Used for compile-time drift checks between the runtime's
 * tables and the generated unions.
 */
export type ExpectNoMembers<Members> = [Members] extends [never] ? true : Members;
