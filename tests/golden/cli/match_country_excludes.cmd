match fixtures/screening/parties.csv --name "Nordwind Optics" --country FR
