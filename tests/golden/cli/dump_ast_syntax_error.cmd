dump --emit=ast --color=never fixtures/syntax_error.licit
