match fixtures/screening/parties.csv --name "Kawasaki Heavy Industries Aerospace" --top 2 --diagnostics=json
