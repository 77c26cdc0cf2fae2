== hello
@M@/hello.o
