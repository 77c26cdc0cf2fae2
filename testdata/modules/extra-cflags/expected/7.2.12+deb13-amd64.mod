== xcf
./xcf.o
