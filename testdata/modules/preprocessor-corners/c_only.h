#error "c_only.h: not for assembler sources"
