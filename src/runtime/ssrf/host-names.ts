// Host names that point inside the local network by definition, refused before any DNS lookup.
const LOCAL_NAMES = new Set(['localhost', 'localhost.localdomain']);
const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa'];

/** Lower-cases a DNS name and drops one trailing root dot. */
export function normalizeHostName(hostname: string): string {
  const lower = hostname.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

export function isLocalHostName(hostname: string): boolean {
  const name = normalizeHostName(hostname);
  return LOCAL_NAMES.has(name) || LOCAL_SUFFIXES.some((suffix) => name.endsWith(suffix));
}
