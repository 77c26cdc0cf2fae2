== dup
./a.o
./sub/b.o
