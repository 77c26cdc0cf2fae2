== nover
@M@/nover.o
