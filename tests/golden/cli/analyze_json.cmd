analyze fixtures/semantic/base.licit --diagnostics=json
