match fixtures/screening/parties.csv --name "Acme" --country UK
