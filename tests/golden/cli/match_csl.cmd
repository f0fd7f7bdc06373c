match fixtures/screening/csl.csv --format csl --name "Hua Xin Electronic Tech" --country HK
