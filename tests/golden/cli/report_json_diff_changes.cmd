report fixtures/report/changed.jsonl --records fixtures/report/shipments.jsonl -o -  --format=json
