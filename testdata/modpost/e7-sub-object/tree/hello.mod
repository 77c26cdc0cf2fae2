./sub/b.o
