// Aedes alone in its own process, with Loa's store and message bus but nothing else of Loa (no
// authentication, ACL, controller, database): the floor under the connections scenario's memory
// per connection. Answers `measure` with its memory after a full garbage collection.
import net from 'node:net';
import { Aedes } from 'aedes';
import { MessageBus } from '../../broker/message-bus.js';
import { loaPersistence } from '../../broker/persistence.js';
import { settledMemory } from '../proc.js';
import { report, serveJob } from './host.js';

export type BareAedesJob = Record<string, never>;
export interface BareAedesReady {
  port: number;
}
export interface BareAedesMemory {
  rss: number;
  heapUsed: number;
  connectedClients: number;
}

serveJob<BareAedesJob, BareAedesReady>(async () => {
  const aedes = await Aedes.createBroker({ persistence: loaPersistence() as never, mq: new MessageBus() });
  const server = net.createServer((socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', async (message) => {
    if (message === 'measure') await report({ ...(await settledMemory()), connectedClients: aedes.connectedClients } satisfies BareAedesMemory);
  });
  return {
    ready: { port: (server.address() as net.AddressInfo).port },
    async stop() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
});
