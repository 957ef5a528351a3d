-- No query reads heartbeats by device (the rollup and the retention take time or id ranges), and
-- this index put every insert on a random page: 26 of the 37 µs a heartbeat cost to write.
DROP INDEX `heartbeats_device_received_idx`;
