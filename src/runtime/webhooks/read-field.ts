// Reads one named field from request params that may be a plain object (parsed JSON) or a class
// instance (a typed request object with getters). Never consults Object.prototype, so a polluted
// prototype cannot inject a `push_notification_config`, and never throws: a throwing getter reads
// as `{ threw: true }`.

export type FieldRead = { readonly threw: false; readonly value: unknown } | { readonly threw: true };

const ABSENT: FieldRead = { threw: false, value: undefined };
const THREW: FieldRead = { threw: true };

export function readField(holder: unknown, name: string): FieldRead {
  if (holder === null || typeof holder !== 'object') return ABSENT;
  try {
    if (Object.hasOwn(holder, name)) return { threw: false, value: (holder as Record<string, unknown>)[name] };
    return definedBelowObjectPrototype(holder, name)
      ? { threw: false, value: (holder as Record<string, unknown>)[name] }
      : ABSENT;
  } catch {
    return THREW;
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
