S
