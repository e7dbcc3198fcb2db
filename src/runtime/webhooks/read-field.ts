// Reads one named field from request params that may be a plain object (parsed JSON) or a class
// instance (a typed request object with getters). Never consults Object.prototype, so a polluted
// prototype cannot inject a `push_notification_config`, and never throws: a throwing getter (or
// proxy trap) reads as UNREADABLE. Allocation-free: it runs on the sync response path.

/** Returned when reading the field threw. */
export const UNREADABLE: unique symbol = Symbol('unreadable field');

export function readField(holder: unknown, name: string): unknown {
  if (holder === null || typeof holder !== 'object') return undefined;
  try {
    if (Object.hasOwn(holder, name) || definedBelowObjectPrototype(holder, name)) return (holder as Record<string, unknown>)[name];
    return undefined;
  } catch {
    return UNREADABLE;
  }
}

/** True when a class in `holder`'s prototype chain (not Object.prototype) defines `name`. */
function definedBelowObjectPrototype(holder: object, name: string): boolean {
  let proto: unknown = Object.getPrototypeOf(holder);
  while (proto !== null && proto !== Object.prototype && typeof proto === 'object') {
    if (Object.hasOwn(proto, name)) return true;
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}
