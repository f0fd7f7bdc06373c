run fixtures/errors.licit --records fixtures/shipments.jsonl
