dump --emit=tokens --diagnostics=json fixtures/syntax_error.licit
