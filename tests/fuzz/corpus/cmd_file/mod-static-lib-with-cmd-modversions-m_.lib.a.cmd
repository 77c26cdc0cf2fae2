m/
savedcmd_m/lib.a := rm -f m/lib.a; printf "m/%s " l1.o | xargs x86_64-linux-gnu-ar cDPrST m/lib.a
