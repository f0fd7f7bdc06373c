report fixtures/report/decisions.jsonl --format json
