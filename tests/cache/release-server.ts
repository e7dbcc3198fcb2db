// A loopback stand-in for https://adcontextprotocol.org/protocol/: serves release tarballs and their
// .sha256 files, and can misbehave on purpose (wrong checksum, connection cut mid-body).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route =
  | { readonly kind: 'file'; readonly body: Buffer | string }
  /** announces the full Content-Length, sends `sent` bytes, then drops the connection */
  | { readonly kind: 'cut'; readonly body: Buffer; readonly sent: number };

export interface ReleaseServer {
  readonly baseUrl: string;
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startReleaseServer(routes: ReadonlyMap<string, Route>): Promise<ReleaseServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    requests.push(request.url ?? '');
    const route = routes.get(path);
    if (route === undefined) {
      response.writeHead(404).end('not found');
    } else if (route.kind === 'file') {
      response.writeHead(200, { 'content-length': Buffer.byteLength(route.body) }).end(route.body);
    } else {
      response.writeHead(200, { 'content-length': route.body.length });
      response.write(route.body.subarray(0, route.sent), () => response.socket?.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
