== hello
./hello.o
