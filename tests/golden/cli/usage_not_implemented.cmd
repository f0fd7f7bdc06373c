run fixtures/clean.licit --records records.jsonl
