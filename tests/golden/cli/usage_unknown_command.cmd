frobnicate fixtures/clean.licit
