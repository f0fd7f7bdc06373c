dump --emit=ast fixtures/clean.licit fixtures/errors.licit
