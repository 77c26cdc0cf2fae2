K
