dump fixtures/clean.licit
