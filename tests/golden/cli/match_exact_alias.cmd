match fixtures/screening/parties.csv --name "KHI Aerospace Systems"
