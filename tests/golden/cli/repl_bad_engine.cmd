repl --engine=fast
