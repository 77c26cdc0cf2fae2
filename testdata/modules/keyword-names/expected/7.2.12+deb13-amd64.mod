== kwn
./kwn.o
