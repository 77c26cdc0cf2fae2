== kwn
@M@/kwn.o
