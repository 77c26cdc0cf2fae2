== withlib
@M@/main.o
@M@/lib.a
