== genhdr
./main.o
./other.o
