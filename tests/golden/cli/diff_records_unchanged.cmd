diff ../../../examples/cn-japan-2026.licit ../../../examples/cn-japan-2026.licit --records ../../../examples/shipments.jsonl --threads 2
