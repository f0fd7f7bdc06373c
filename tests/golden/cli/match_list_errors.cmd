match fixtures/screening/broken.csv --name "Good Trading"
