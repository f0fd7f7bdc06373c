diff fixtures/semantic/base.licit fixtures/semantic/group_member.licit
