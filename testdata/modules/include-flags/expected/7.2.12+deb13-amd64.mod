== incf
./a.o
./b.o
