# Included by Kbuild: a value defined in another makefile.
FEAT_COMMON_VALUE := 7
