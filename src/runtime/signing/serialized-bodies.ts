// Bodies the delivery runtime serialized itself from a payload object. JSON.stringify cannot emit
// a repeated key within one object, so the signers' duplicate-key scan (there to refuse ambiguous
// bytes handed in from outside) is skipped for them. Only the runtime marks a body, and only a
// buffer it created and keeps to itself; any other bytes, including a marked body's copy, are
// scanned before signing. Internal: not exported from the package.
const runtimeSerialized = new WeakSet<Uint8Array>();

export function markRuntimeSerializedBody(body: Uint8Array): void {
  runtimeSerialized.add(body);
}

export function isRuntimeSerializedBody(body: Uint8Array): boolean {
  return runtimeSerialized.has(body);
}
