== ppc
./main.o
./table.o
