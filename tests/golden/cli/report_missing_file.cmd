report fixtures/report/none.jsonl -o report.html
