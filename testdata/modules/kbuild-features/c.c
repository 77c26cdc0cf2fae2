/* Not built: listed only under an unset CONFIG option. */
#error c.c must not be compiled
