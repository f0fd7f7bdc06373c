dump --emit=ir fixtures/clean.licit
