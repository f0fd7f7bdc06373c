run fixtures/screen.licit --records fixtures/shipments.csv --out-format csv --summary=counts
