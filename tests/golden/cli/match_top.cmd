match fixtures/screening/parties.csv --name "Heavy Industries" --top 2
