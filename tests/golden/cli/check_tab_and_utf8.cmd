check --color=never fixtures/tab_and_utf8.licit
