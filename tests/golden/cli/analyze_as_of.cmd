analyze ../analyze/date_gap.licit --as-of 2026-01-02 --color=never
