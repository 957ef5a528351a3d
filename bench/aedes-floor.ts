// The floor under the connections scenario's memory per connection: what Aedes itself (with
// Loa's store and message bus, nothing else of Loa) keeps per client of the same shape as an
// agent. The broker and the clients run in their own processes (bench/hosts), so neither the
// bench nor the clients are measured.
import { startHost } from './child.js';
import type { BareAedesMemory, BareAedesReady } from './hosts/bare-aedes.js';
import type { ClientSwarmJob, ClientSwarmReady } from './hosts/client-swarm.js';

export interface AedesFloor {
  clients: number;
  connected: number;
  failed: number;
  rssPerConnectionKb: number;
  heapPerConnectionKb: number;
}

export async function measureAedesFloor(clients: number, perTick = 100): Promise<AedesFloor> {
  const broker = await startHost<BareAedesReady>('bench/hosts/bare-aedes', {});
  try {
    const measure = async () => {
      broker.child.send('measure');
      return broker.next<BareAedesMemory>();
    };
    const before = await measure();
    const swarm = await startHost<ClientSwarmReady>('bench/hosts/client-swarm', { url: `mqtt://127.0.0.1:${broker.ready.port}`, clients, perTick } satisfies ClientSwarmJob);
    try {
      // Let the last PUBACKs and retained writes settle.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const after = await measure();
      const held = after.connectedClients;
      const per = (bytes: number) => (held > 0 ? Math.round((bytes / held / 1024) * 100) / 100 : Number.NaN);
      return { clients, connected: held, failed: swarm.ready.failed, rssPerConnectionKb: per(after.rss - before.rss), heapPerConnectionKb: per(after.heapUsed - before.heapUsed) };
    } finally {
      await swarm.stop();
    }
  } finally {
    await broker.stop();
  }
}
