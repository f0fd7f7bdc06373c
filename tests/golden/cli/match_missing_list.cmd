match fixtures/screening/no-such-list.csv --name "Acme"
