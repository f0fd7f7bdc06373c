repl no-such-policy.licit
