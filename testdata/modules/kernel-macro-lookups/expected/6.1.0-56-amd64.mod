== lookups
@M@/main.o
@M@/second.o
