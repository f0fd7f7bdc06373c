dump --emit=ast --color=never fixtures/errors.licit
