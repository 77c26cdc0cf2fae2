== errdir
@M@/errdir.o
