== incf
@M@/a.o
@M@/b.o
