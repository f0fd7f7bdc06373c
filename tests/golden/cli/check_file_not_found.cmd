check --color=never fixtures/no-such-file.licit
