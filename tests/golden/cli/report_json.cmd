report fixtures/report/decisions.jsonl --records fixtures/report/shipments.jsonl --format json
