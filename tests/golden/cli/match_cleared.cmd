match fixtures/screening/parties.csv --name "Golden Crescent Shipping Agency" --cleared fixtures/screening/parties-cleared.csv --top 2
