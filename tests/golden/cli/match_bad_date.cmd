match fixtures/screening/parties.csv --name "Acme" --date 2026-02-30
