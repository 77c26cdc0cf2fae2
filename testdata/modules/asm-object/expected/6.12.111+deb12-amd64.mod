== asmmod
@M@/main.o
@M@/table.o
