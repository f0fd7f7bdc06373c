diff fixtures/semantic/base.licit fixtures/semantic/added_exception.licit
