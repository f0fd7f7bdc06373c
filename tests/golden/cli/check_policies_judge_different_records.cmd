check --color=never fixtures/screen.licit fixtures/other_input.licit
