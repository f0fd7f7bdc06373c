check --color=always fixtures/errors.licit
