// Case-insensitive header lookup over the shapes receivers hold: a fetch `Headers` object or a
// node `IncomingHttpHeaders`-like record (repeated fields as arrays, combined with ", ").

/** Anything with `get(name)` returning a header value (a Fetch `Headers`, for instance). */
export interface HeaderGetter {
  get(name: string): string | null;
}

/** Received headers: a `get`-able object or a node `IncomingHttpHeaders`-like record (repeated fields as arrays). */
export type HeaderSource = HeaderGetter | Readonly<Record<string, string | readonly string[] | undefined>>;

export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (isHeaderGetter(headers)) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (typeof value === 'string') values.push(value);
    else values.push(...value);
  }
  return values.length === 0 ? undefined : values.join(', ');
}

function isHeaderGetter(headers: HeaderSource): headers is HeaderGetter {
  return typeof (headers as Partial<HeaderGetter>).get === 'function';
}
