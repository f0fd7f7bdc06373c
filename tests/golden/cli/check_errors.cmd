check --color=never fixtures/errors.licit
