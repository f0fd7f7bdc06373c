diff fixtures/other_input.licit fixtures/clean.licit --records fixtures/shipments.jsonl
