J
