run fixtures/screen.licit --records fixtures/shipments.jsonl --out /dev/null --report -
