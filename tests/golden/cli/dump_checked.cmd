dump --emit=checked fixtures/clean.licit
