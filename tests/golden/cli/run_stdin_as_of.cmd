run fixtures/screen.licit --records - --summary=counts --as-of 2026-01-05
