match fixtures/screening/parties.csv
