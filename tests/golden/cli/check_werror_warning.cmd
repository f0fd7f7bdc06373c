check --color=never --werror fixtures/warning.licit
