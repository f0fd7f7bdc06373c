analyze x.licit
