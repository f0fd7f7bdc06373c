diff fixtures/semantic/base.licit fixtures/other_input.licit
