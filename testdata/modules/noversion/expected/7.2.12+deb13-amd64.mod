== nover
./nover.o
