L
