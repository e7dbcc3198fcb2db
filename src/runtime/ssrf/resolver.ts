// DNS resolution for the SSRF guard. Injectable so tests can simulate rebinding and failures.
import { lookup } from 'node:dns/promises';

/** One address a host name resolved to, as a {@link HostResolver} returns it: the IP text and its family (4 or 6). */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to every address it currently has. */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver (getaddrinfo), returning all addresses in resolver order. */
export const systemResolver: HostResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** Rejects when resolution takes longer than `timeoutMs` (getaddrinfo itself has no deadline). */
export function resolveWithin(resolver: HostResolver, hostname: string, timeoutMs: number): Promise<readonly ResolvedAddress[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('DNS resolution timed out')), timeoutMs);
    timer.unref();
    resolver(hostname).then(
      (addresses) => {
        clearTimeout(timer);
        resolve(addresses);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error('DNS resolution failed'));
      },
    );
  });
}
