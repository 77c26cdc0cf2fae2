./hello.o
./sub/b.o
