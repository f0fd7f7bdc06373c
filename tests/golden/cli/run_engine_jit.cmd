run fixtures/screen.licit --records fixtures/shipments.jsonl --engine=jit --summary counts
