dump --emit=tokens fixtures/clean.licit
