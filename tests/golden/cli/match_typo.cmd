match fixtures/screening/parties.csv --name "Tehran Aviaton Parts Trading"
