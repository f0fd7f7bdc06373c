match fixtures/screening/parties.csv --name "IHI Aerospace" --date 2026-07-01 --top 2
