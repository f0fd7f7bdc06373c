diff fixtures/semantic/base.licit fixtures/semantic/moved_date.licit
