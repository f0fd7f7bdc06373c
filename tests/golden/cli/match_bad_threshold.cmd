match fixtures/screening/parties.csv --name "Acme" --match 1.5
