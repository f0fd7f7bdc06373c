match fixtures/screening/parties.csv --name "Kawasaki Heavy Industries Aerospace"
