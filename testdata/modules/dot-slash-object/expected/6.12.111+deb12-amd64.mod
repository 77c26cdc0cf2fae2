== dots
@M@/./a.o
@M@/sub/b.o
