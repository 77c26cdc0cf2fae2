m/hello.o
