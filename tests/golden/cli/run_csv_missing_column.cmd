run fixtures/screen.licit --records fixtures/shipments_no_destination.csv --summary=counts
