check --frobnicate fixtures/clean.licit
