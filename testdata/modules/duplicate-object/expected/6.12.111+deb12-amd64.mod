== dup
@M@/a.o
@M@/sub/b.o
