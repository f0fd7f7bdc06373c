check --color=never fixtures/warning.licit
