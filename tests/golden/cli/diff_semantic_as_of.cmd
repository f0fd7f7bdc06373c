diff fixtures/semantic/base.licit fixtures/semantic/moved_date.licit --as-of 2026-02-01
