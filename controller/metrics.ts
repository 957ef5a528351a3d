// Prometheus metrics of the controller (GET /metrics). One registry per controller instance,
// so tests running several controllers in one process do not share counters.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  readonly mqttMessagesIn = new Counter({ name: 'loa_mqtt_messages_in_total', help: 'MQTT messages received by the controller, by topic kind', labelNames: ['kind'], registers: [this.registry] });
  readonly mqttMessagesOut = new Counter({ name: 'loa_mqtt_messages_out_total', help: 'MQTT messages published by the controller, by topic kind', labelNames: ['kind'], registers: [this.registry] });
  readonly mqttLinkDrops = new Counter({ name: 'loa_mqtt_link_drops_total', help: 'Times the controller lost its MQTT connection to the broker', registers: [this.registry] });
  readonly payloadsDropped = new Counter({ name: 'loa_mqtt_payloads_dropped_total', help: 'Received payloads dropped, by topic kind and reason', labelNames: ['kind', 'reason'], registers: [this.registry] });
  readonly ingestBatchSize = new Histogram({ name: 'loa_ingest_batch_size', help: 'Rows written per ingest transaction', labelNames: ['stream'], buckets: [1, 10, 50, 100, 500, 1000, 2000, 5000], registers: [this.registry] });
  readonly ingestLatency = new Histogram({ name: 'loa_ingest_latency_seconds', help: 'Time from receipt of a message to its commit', labelNames: ['stream'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5], registers: [this.registry] });
  readonly devicesOnline = new Gauge({ name: 'loa_devices_online', help: 'Devices the controller considers online', registers: [this.registry] });
  readonly devicesConnected = new Gauge({ name: 'loa_broker_clients_connected', help: 'Clients connected to the in-process broker (absent when the broker runs apart)', registers: [this.registry] });
  readonly brokerRefused = new Gauge({ name: 'loa_broker_connections_refused', help: 'Connections the in-process broker refused, by reason (since start)', labelNames: ['reason'], registers: [this.registry] });
  readonly brokerMessagesIn = new Gauge({ name: 'loa_broker_messages_in', help: 'PUBLISH packets the in-process broker accepted, by topic kind (since start)', labelNames: ['kind'], registers: [this.registry] });
  readonly brokerRevocations = new Gauge({ name: 'loa_broker_revocations', help: 'Revocations the in-process broker received: connection closed, device not connected, bad payload (since start)', labelNames: ['outcome'], registers: [this.registry] });
  readonly brokerAclDenied = new Gauge({ name: 'loa_broker_acl_denied', help: 'Publishes and subscriptions the in-process broker denied (since start)', labelNames: ['action'], registers: [this.registry] });

  constructor() {
    // Includes nodejs_eventloop_lag_seconds, the figure that shows work done on the event loop.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
  }
}
