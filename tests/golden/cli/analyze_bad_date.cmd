analyze fixtures/semantic/base.licit --as-of 2026-13-01
