check --color=never fixtures/clean.licit fixtures/errors.licit
