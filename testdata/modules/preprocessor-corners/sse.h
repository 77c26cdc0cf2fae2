#error "sse.h must not be included with -mno-sse"
