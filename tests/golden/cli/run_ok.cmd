run fixtures/screen.licit --records fixtures/shipments.jsonl --summary=counts
