match fixtures/screening/duplicate-id.csv --name "Baltic Amber Logistics"
