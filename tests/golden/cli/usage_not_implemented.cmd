fmt fixtures/clean.licit
