match fixtures/screening/parties.csv --name "Kawasaki Heavy Industries Aerospace Systems" --date 2026-02-23
