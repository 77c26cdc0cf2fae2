== subobj
./a.o
./sub/b.o
