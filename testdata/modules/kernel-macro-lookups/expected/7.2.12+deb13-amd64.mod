== lookups
./main.o
./second.o
