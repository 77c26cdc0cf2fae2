== dots
././a.o
./sub/b.o
