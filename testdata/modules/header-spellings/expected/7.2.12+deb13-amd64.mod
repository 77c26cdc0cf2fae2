== hdrs
./main.o
./sub/part.o
