diff fixtures/semantic/base.licit fixtures/semantic/rewritten.licit
