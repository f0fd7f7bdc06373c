match fixtures/screening/parties.csv --name "深圳华信电子有限公司" --top 1
