test fixtures/clean.licit
