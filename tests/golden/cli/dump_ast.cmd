dump --emit=ast fixtures/clean.licit
