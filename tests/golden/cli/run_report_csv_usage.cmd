run fixtures/screen.licit --records fixtures/shipments.jsonl --out-format csv --report report.html
