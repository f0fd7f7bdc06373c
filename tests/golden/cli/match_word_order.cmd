match fixtures/screening/parties.csv --name "Aerospace Systems Kawasaki Heavy Industries"
