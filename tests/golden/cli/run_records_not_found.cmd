run fixtures/screen.licit --records fixtures/none.jsonl
