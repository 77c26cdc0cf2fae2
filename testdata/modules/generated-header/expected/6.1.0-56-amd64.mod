== genhdr
@M@/main.o
@M@/other.o
