match fixtures/screening/parties.csv --name "Kawasaki Heavy Industries Aerospace" --match 0.88 --review 0.6 --top 2
