Q
