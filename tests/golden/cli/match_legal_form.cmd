match fixtures/screening/parties.csv --name "Mitsubishi Heavy Industries Shipbuilding Company Limited"
