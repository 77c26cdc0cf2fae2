/* A header in the module's own directory: it counts towards the srcversion on 6.8-6.12, not on 6.13+. */
#define HELLO_GREETING "hello from srcversion-predict's example\n"
