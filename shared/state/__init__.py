"""Domain state over any KeyValueStore: coalescing, leases, checkpoints, deliveries, memory."""
