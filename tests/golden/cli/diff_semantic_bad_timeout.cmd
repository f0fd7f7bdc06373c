diff fixtures/semantic/base.licit fixtures/fmt/../semantic/base.licit --timeout 0
