// A TCP relay in front of the test's PostgreSQL whose connections wait at a
// gate until the test opens it: a slow network, for as long as the test needs
// (the program under test has started and is connecting, the screen is not up
// yet). The server behind it is the real one; bytes pass through unchanged.
import { createServer, connect, type Socket } from 'node:net';

export interface GatedProxy {
  /** The database URL, pointed at the relay. */
  url: string;
  /** Connections the relay has accepted so far. */
  readonly connections: number;
  /** Lets every waiting and later connection through. */
  open(): void;
  close(): Promise<void>;
}

export async function gatedProxy(databaseUrl: string): Promise<GatedProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  const waiting: Array<() => void> = [];
  let opened = false;
  let accepted = 0;
  const server = createServer((client) => {
    accepted += 1;
    sockets.add(client);
    client.on('error', () => client.destroy());
    client.pause();
    const relay = () => {
      if (client.destroyed) return;
      const upstream = connect(Number(target.port || 5432), target.hostname);
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    };
    if (opened) relay();
    else waiting.push(relay);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    get connections() {
      return accepted;
    },
    open() {
      opened = true;
      for (const relay of waiting.splice(0)) relay();
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
