check --color=never fixtures/clean.licit
