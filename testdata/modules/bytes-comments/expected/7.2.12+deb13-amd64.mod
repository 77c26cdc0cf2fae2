== cmts
./cmts.o
