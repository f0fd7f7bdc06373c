match fixtures/screening/parties.csv --name "Acme" --format ofac
