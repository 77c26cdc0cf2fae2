== cmts
@M@/cmts.o
