diff fixtures/semantic/base.licit fixtures/semantic/moved_date.licit --between 2026-03-01
