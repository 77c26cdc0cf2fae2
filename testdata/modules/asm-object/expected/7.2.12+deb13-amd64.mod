== asmmod
./main.o
./table.o
