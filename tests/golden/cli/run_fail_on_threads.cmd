run fixtures/screen.licit --records fixtures/shipments.jsonl --fail-on review --summary=none --threads 3
