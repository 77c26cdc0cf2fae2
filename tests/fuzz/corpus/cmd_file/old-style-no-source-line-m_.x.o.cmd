m/
cmd_m/x.o := gcc -Wp,-MD,m/.x.o.d -nostdinc -D__KERNEL__ -Iinclude -include include/linux/autoconf.h -O2 -DMODULE -D"KBUILD_STR(s)=#s" -D"KBUILD_BASENAME=KBUILD_STR(x)" -D"KBUILD_MODNAME=KBUILD_STR(x)" -c -o m/x.o m/x.c

deps_m/x.o := \
  m/x.c \
    $(wildcard include/config/m/option.h) \
  include/linux/module.h \
  m/a.h \

m/x.o: $(deps_m/x.o)

$(deps_m/x.o):
