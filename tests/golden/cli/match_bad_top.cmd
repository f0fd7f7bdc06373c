match fixtures/screening/parties.csv --name "Acme" --top 0
