diff fixtures/semantic/base.licit fixtures/semantic/narrowed.licit
