// A TCP relay that stands for the cluster's 4G link in tests: cut it (every open connection
// dropped without a goodbye, as when a link dies) and the broker sees an abnormal disconnect.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  url: string;
  /** Drops every open connection abruptly. */
  cut(): void;
  /** While down, new connections are dropped at once. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) return void client.destroy();
    const upstream = net.connect(targetPort, targetHost);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const cut = () => {
    for (const [a, b] of pairs) {
      // resetAndDestroy sends RST: the broker sees the link die, not a polite close.
      a.resetAndDestroy();
      b.resetAndDestroy();
    }
    pairs.clear();
  };
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    cut,
    setDown(value) {
      down = value;
      if (down) cut();
    },
    close: () => {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
