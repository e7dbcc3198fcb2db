// One error base for everything the runtime throws. Codes are stable, documented and spelled one
// way (`ADCP_<AREA>_<CAUSE>`); membership is tested through a `Symbol.for` brand rather than the
// prototype chain, so `instanceof` holds even when two copies of the package are loaded (an ESM
// and a CommonJS build side by side, or two versions in one dependency tree).

const ERROR_BRAND: unique symbol = Symbol.for('adcp-codegen.error') as never;
const CLASS_BRANDS: unique symbol = Symbol.for('adcp-codegen.error.classes') as never;

type Branded = { readonly [CLASS_BRANDS]?: readonly string[] };

/**
 * Base class of every error the runtime and the generator throw. `code` is stable across releases
 * (`ADCP_…`); `message` names the cause and never carries a secret, token, signature, key material
 * or URL query string. `instanceof AdcpError` (and `instanceof` any subclass) is true for errors
 * created by another copy of this package.
 */
export class AdcpError<C extends string = string> extends Error {
  /** Stable, documented code, e.g. `ADCP_SSRF_BLOCKED`. */
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, ERROR_BRAND, { value: true });
    Object.defineProperty(this, CLASS_BRANDS, { value: brandChain(new.target) });
  }

  /** Brand-based membership: true for an AdcpError (or subclass) from any copy of the package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const brands = safeBrands(value);
    if (brands === undefined) return false;
    if (this === AdcpError) return true;
    return brands.includes(this.name);
  }
}

/** Class names from the concrete class up to (not including) AdcpError, most derived first. */
function brandChain(ctor: Function): readonly string[] {
  const names: string[] = [];
  for (let current: unknown = ctor; typeof current === 'function' && current !== AdcpError; current = Object.getPrototypeOf(current)) {
    names.push((current as Function).name);
  }
  return Object.freeze(names);
}

function safeBrands(value: object): readonly string[] | undefined {
  try {
    if ((value as Record<symbol, unknown>)[ERROR_BRAND] !== true) return undefined;
    const brands = (value as Branded)[CLASS_BRANDS];
    return Array.isArray(brands) ? brands : [];
  } catch {
    return undefined;
  }
}

/** True when `value` is an AdcpError with `code`, whichever copy of the package created it. */
export function isAdcpError<C extends string>(value: unknown, code?: C): value is AdcpError<C> {
  if (!(value instanceof AdcpError)) return false;
  return code === undefined || value.code === code;
}
