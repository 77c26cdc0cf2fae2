/* Not built: its obj- line names an unset CONFIG option. */
#error never.c must not be compiled
