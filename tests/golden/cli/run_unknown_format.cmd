run fixtures/screen.licit --records fixtures/shipments.txt
