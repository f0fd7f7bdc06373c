report fixtures/report/decisions.jsonl --format pdf
