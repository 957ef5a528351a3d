// QoS 1 messages on their way to persistent-session clients (clean: false), per client, until
// the client acknowledges them: what Aedes' in-memory store keeps in one array per client and
// searches from the start at every update and PUBACK, removing with splice. The controller is
// such a client and receives every state, event and command result of the fleet: in an
// emergency at 10,000 clusters tens of thousands are in flight at once, and after a controller
// restart everything queued while it was away; each PUBACK then cost a scan and a shift of the
// whole array (O(n²) for the burst, bench/RESULTS.md emergency profile). Here each queue keeps
// its order in a Map and finds a packet by (broker, counter) and by packet identifier in O(1).

/** The fields of an Aedes packet this store reads (aedes-packet `Packet`). */
export interface QueuedPacket {
  /** Absent on a PUBREL, which takes the place of its QoS 2 PUBLISH until PUBCOMP. */
  brokerId?: string;
  brokerCounter?: number;
  messageId?: number;
}

class ClientQueue<P extends QueuedPacket> {
  private next = 0;
  /** Position → packet, in the order they were queued. */
  readonly packets = new Map<number, P>();
  private readonly byCounter = new Map<string, number>();
  /** Packet identifier → positions holding it, oldest first (identifiers wrap after 65,535). */
  private readonly byMessageId = new Map<number, number[]>();

  add(packet: P): void {
    const at = this.next++;
    this.packets.set(at, packet);
    this.indexCounter(packet, at);
    this.indexMessageId(packet.messageId, at);
  }

  /**
   * The packet identifier was assigned (or reassigned) for sending: set it on the queued copy.
   * A queued packet of another broker holding that identifier is replaced by this one, as the
   * stock store does. False when neither is queued.
   */
  update(packet: P): boolean {
    const key = counterKey(packet);
    const at = key === undefined ? undefined : this.byCounter.get(key);
    if (at !== undefined) {
      const queued = this.packets.get(at)!;
      if (queued.messageId !== packet.messageId) {
        this.unindexMessageId(queued.messageId, at);
        queued.messageId = packet.messageId;
        this.indexMessageId(packet.messageId, at);
      }
      return true;
    }
    const sameId = packet.messageId === undefined ? undefined : this.byMessageId.get(packet.messageId);
    for (const position of sameId ?? []) {
      const queued = this.packets.get(position)!;
      if (queued.brokerId === packet.brokerId) continue;
      this.unindexCounter(queued);
      this.indexCounter(packet, position);
      this.packets.set(position, packet);
      return true;
    }
    return false;
  }

  /** Removes and returns the oldest packet with this identifier (its PUBACK arrived). */
  clear(messageId: number | undefined): P | undefined {
    if (messageId === undefined) return undefined;
    const positions = this.byMessageId.get(messageId);
    const at = positions?.[0];
    if (at === undefined) return undefined;
    const packet = this.packets.get(at)!;
    this.packets.delete(at);
    this.unindexCounter(packet);
    this.unindexMessageId(messageId, at);
    return packet;
  }

  private indexCounter(packet: P, at: number): void {
    const key = counterKey(packet);
    if (key !== undefined) this.byCounter.set(key, at);
  }

  private unindexCounter(packet: P): void {
    const key = counterKey(packet);
    if (key !== undefined) this.byCounter.delete(key);
  }

  private indexMessageId(messageId: number | undefined, at: number): void {
    if (messageId === undefined) return;
    const positions = this.byMessageId.get(messageId);
    if (!positions) this.byMessageId.set(messageId, [at]);
    else {
      positions.push(at);
      positions.sort((a, b) => a - b);
    }
  }

  private unindexMessageId(messageId: number | undefined, at: number): void {
    if (messageId === undefined) return;
    const positions = this.byMessageId.get(messageId);
    if (!positions) return;
    const i = positions.indexOf(at);
    if (i >= 0) positions.splice(i, 1);
    if (positions.length === 0) this.byMessageId.delete(messageId);
  }
}

const counterKey = (p: QueuedPacket): string | undefined => (p.brokerId === undefined ? undefined : `${p.brokerId}\u0000${p.brokerCounter}`);

export class OutgoingQueues<P extends QueuedPacket> {
  private readonly queues = new Map<string, ClientQueue<P>>();

  private queueOf(clientId: string): ClientQueue<P> {
    let queue = this.queues.get(clientId);
    if (!queue) {
      queue = new ClientQueue<P>();
      this.queues.set(clientId, queue);
    }
    return queue;
  }

  enqueue(clientId: string, packet: P): void {
    this.queueOf(clientId).add(packet);
  }

  /** See ClientQueue.update; false when the packet is not queued for this client. */
  update(clientId: string, packet: P): boolean {
    return this.queues.get(clientId)?.update(packet) ?? false;
  }

  clear(clientId: string, messageId: number | undefined): P | undefined {
    const queue = this.queues.get(clientId);
    const packet = queue?.clear(messageId);
    if (queue && queue.packets.size === 0) this.queues.delete(clientId);
    return packet;
  }

  /** The client's queued packets, oldest first (a copy: the queue may change while they are resent). */
  list(clientId: string): P[] {
    return [...(this.queues.get(clientId)?.packets.values() ?? [])];
  }
}
