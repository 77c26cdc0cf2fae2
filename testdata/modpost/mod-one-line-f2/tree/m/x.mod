m/x.o m/x.o

