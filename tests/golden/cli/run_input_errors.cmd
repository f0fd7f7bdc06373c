run fixtures/screen.licit --records fixtures/shipments_bad.jsonl --fail-on deny --summary=counts
