== strs
./strs.o
