== xcf
@M@/xcf.o
