match fixtures/screening/parties.csv --name "Toyota Motor Corporation"
