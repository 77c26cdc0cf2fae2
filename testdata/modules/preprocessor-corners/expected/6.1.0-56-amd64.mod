== ppc
@M@/main.o
@M@/table.o
