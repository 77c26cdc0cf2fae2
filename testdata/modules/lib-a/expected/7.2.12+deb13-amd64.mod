== withlib
./main.o
./lib.a
