== strs
@M@/strs.o
