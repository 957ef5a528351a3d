// Routing of messages the broker delivers to the agent: topic → kind (parseTopic) → payload
// (decode) → the handlers later modules registered. Anything that does not fit the contract is
// logged at warn, counted and dropped — never thrown (conventions, "Validate once").
import type { Logger } from '../platform/logger.js';
import { type DecodeErrorReason, decode, type PayloadOf } from '../shared/decode.js';
import { DEVICE_TOPIC_DIRECTION, parseTopic } from '../shared/topics.js';

/** What the controller sends to an agent. */
export const INBOUND_KINDS = ['cmd', 'manifest', 'events/ack'] as const;
export type InboundKind = (typeof INBOUND_KINDS)[number];

export interface InboundMeta {
  topic: string;
  /** `area` for emergency fan-out on `areas/{code}/cmd`; then `areaCode` says which code. */
  scope: 'device' | 'area';
  areaCode?: string;
  /** True when the broker replayed a retained message (the manifest after every subscribe). */
  retained: boolean;
}

export type InboundHandler<K extends InboundKind> = (payload: PayloadOf<K>, meta: InboundMeta) => void | Promise<void>;

export type DropReason = DecodeErrorReason | 'unknown_topic' | 'not_for_us';

export interface InboundStats {
  received: number;
  /** Dropped before any handler saw them, by reason. */
  dropped: Record<DropReason, number>;
  /** Handlers that threw or rejected. The message had been valid. */
  handlerErrors: number;
}

const emptyDrops = (): Record<DropReason, number> => ({
  too_large: 0,
  not_json: 0,
  unsupported_version: 0,
  invalid: 0,
  unknown_topic: 0,
  not_for_us: 0,
});

type AnyHandler = (payload: unknown, meta: InboundMeta) => void | Promise<void>;

/** A message on one of our topics that did not fit the contract (the manifest module reports those). */
export interface InboundDrop {
  /** Known when the topic was ours and only the payload was wrong. */
  kind?: InboundKind;
  reason: DropReason;
  detail: string;
  topic: string;
}
export type DropListener = (drop: InboundDrop) => void;

export class InboundRouter {
  readonly stats: InboundStats = { received: 0, dropped: emptyDrops(), handlerErrors: 0 };
  private readonly handlers = new Map<InboundKind, Set<AnyHandler>>(INBOUND_KINDS.map((k) => [k, new Set()]));
  private readonly dropListeners = new Set<DropListener>();

  constructor(
    private readonly deviceId: string,
    private readonly areaCodes: readonly string[],
    private readonly log: Logger,
  ) {}

  /** Registers a handler for one kind; returns a function that removes it again. */
  handle<K extends InboundKind>(kind: K, handler: InboundHandler<K>): () => void {
    const set = this.handlers.get(kind)!;
    set.add(handler as AnyHandler);
    return () => set.delete(handler as AnyHandler);
  }

  /** Called for every dropped message, after it was counted. Returns a function that removes it. */
  onDrop(listener: DropListener): () => void {
    this.dropListeners.add(listener);
    return () => this.dropListeners.delete(listener);
  }

  route(topic: string, payload: Buffer, retained: boolean): void {
    this.stats.received++;
    const target = this.classify(topic);
    if (!target.ok) {
      this.drop(target.reason, topic, target.detail);
      return;
    }
    const { kind } = target;
    const meta: InboundMeta = { ...target.meta, retained };
    // A controller clears a retained manifest with an empty payload (decommissioning a
    // device). That is a legitimate action, not a bad payload; the manifest module decides later.
    if (kind === 'manifest' && payload.byteLength === 0) {
      this.log.info({ topic }, 'retained manifest cleared; ignored');
      return;
    }
    const decoded = decode(kind, payload);
    if (!decoded.ok) {
      this.drop(decoded.error.reason, topic, decoded.error.detail, kind);
      return;
    }
    if (kind === 'manifest' && (decoded.value as PayloadOf<'manifest'>).deviceId !== this.deviceId) {
      this.drop('not_for_us', topic, 'manifest for another device', kind);
      return;
    }
    this.log.debug({ topic, kind, payload: decoded.value }, 'message received');
    const handlers = this.handlers.get(kind)!;
    if (handlers.size === 0) this.log.debug({ topic, kind }, 'no handler registered; message ignored');
    for (const handler of handlers) this.invoke(handler, decoded.value, meta);
  }

  private classify(
    topic: string,
  ): { ok: true; kind: InboundKind; meta: Omit<InboundMeta, 'retained'> } | { ok: false; reason: DropReason; detail: string } {
    const parsed = parseTopic(topic);
    if (parsed === null) return { ok: false, reason: 'unknown_topic', detail: 'outside the wire contract' };
    if (parsed.scope === 'area') {
      if (!this.areaCodes.includes(parsed.areaCode)) {
        return { ok: false, reason: 'not_for_us', detail: `area ${parsed.areaCode} is not ours` };
      }
      return { ok: true, kind: 'cmd', meta: { topic, scope: 'area', areaCode: parsed.areaCode } };
    }
    if (parsed.deviceId !== this.deviceId) return { ok: false, reason: 'not_for_us', detail: 'another device' };
    if (DEVICE_TOPIC_DIRECTION[parsed.kind] !== 'down') {
      return { ok: false, reason: 'not_for_us', detail: `${parsed.kind} is published by agents, not to them` };
    }
    return { ok: true, kind: parsed.kind as InboundKind, meta: { topic, scope: 'device' } };
  }

  private invoke(handler: AnyHandler, payload: unknown, meta: InboundMeta): void {
    const fail = (err: unknown) => {
      this.stats.handlerErrors++;
      this.log.error({ err, topic: meta.topic }, 'message handler failed');
    };
    try {
      const result = handler(payload, meta);
      if (result instanceof Promise) result.catch(fail);
    } catch (err) {
      fail(err);
    }
  }

  private drop(reason: DropReason, topic: string, detail: string, kind?: InboundKind): void {
    this.stats.dropped[reason]++;
    this.log.warn({ topic, reason, detail }, 'message dropped');
    for (const listener of this.dropListeners) {
      try {
        listener({ ...(kind ? { kind } : {}), reason, detail, topic });
      } catch (err) {
        this.log.error({ err, topic }, 'drop listener failed');
      }
    }
  }
}
