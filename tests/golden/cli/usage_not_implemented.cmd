diff old.licit new.licit
