run fixtures/screen.licit --records fixtures/shipments.jsonl --fail-on deny --summary=counts
