/* CRLF header; its macro continues with backslash-CR-LF (the backslash is hashed, CR and LF are skipped) */
#define CRLF_ZERO \
	0
