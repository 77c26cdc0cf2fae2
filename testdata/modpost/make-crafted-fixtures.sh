#!/usr/bin/env bash
# Writes the crafted modpost cases (everything but the kat-n* MD4 cases): one directory per byte-level or .cmd/.mod
# behaviour of modpost's srcversion, named in docs/srcversion-rules.md sections 1, 5 and 6. Re-running it rewrites
# every case's case.txt, module, flags and tree/ byte for byte; expected/ is written only by scripts/modpost-oracle.sh.
#
# Most source and header files hold a single capital letter (the convention of docs/srcversion-rules.md section 5), so a
# case's hashed stream spells which files were hashed, and the cases of that section's table reproduce its values.
# Paths in .mod and .cmd files are relative (modpost runs in tree/); .cmd files follow fixdep's layout
# (docs/srcversion-rules.md section 4).
# shellcheck source-path=SCRIPTDIR source=fixture-lib.sh disable=SC2016,SC1003 # file bytes in single quotes are literal
. "$(dirname "${BASH_SOURCE[0]}")/fixture-lib.sh"

# one_file_case <name> <description> <section refs> <printf format of m/x.c>: module m/x, one object, no local deps
one_file_case() {
  new_case "$1" m/x "$2" "$3"
  modfile m/x m/x.o
  cmdfile m/x.o m/x.c
  put m/x.c "$4"
}

# -------------------------------------------------------- source filter (docs/srcversion-rules.md section 1.3) -----
new_case filter-weird-source m/x \
  "source filter on a messy file: CRLF, backslash-newline macros, strings holding /* and \\\", '\"', \"x\\\\\", // comment, Latin-1 bytes, /*/ comment; header with \\f \\v \\r, 0xFF, a string with backslash-newline" \
  "docs/srcversion-rules.md section 1.3 steps 1-5; section 5 row 3 (own bytes: the weird.c/w.h of the first experiment were not kept); section 6 items 14-16"
modfile m/x m/x.o
cmdfile m/x.o m/x.c m/w.h @W_DEBUG
put m/x.c '/* weird.c: CRLF line ends, macros continued with backslash-newline, tricky strings */\r\n#include "w.h"\r\n#define SUM(a, b) \\\r\n\t((a) + \\\n\t (b))\r\nstatic const char *s1 = "not /* a comment */ at all";\r\nstatic const char *s2 = "\\"";\r\nstatic const char q = '"'"'"'"'"';\r\nstatic const char *s3 = "x\\\\";\r\nint y; // a "line" comment\r\nstatic const char *latin1 = "caf\xe9"; int \xb5s = 1;\r\n/*/ a comment that opens and closes with one star each way /*/\r\nint z;\r\n'
put m/w.h '#ifndef W_H\n#define W_H\n\f\v int\rw\t=\t1;\n\xff\n/* \xff in a comment is dropped */\nstatic const char *ws = "line one \\\nline two";\n#endif\n'

one_file_case filter-nul-byte "a NUL byte ends the file: m/x.c is 'int a;' NUL ' int b;' LF" \
  "docs/srcversion-rules.md section 1.3 (v5.8+: read, NUL-terminated, strlen); section 5 row 6; section 6 item 13" 'int a;\0 int b;\n'
one_file_case filter-comment-unterminated "an unterminated /* comment swallows the rest of the file" \
  "docs/srcversion-rules.md section 1.3 step 4; section 5 row 7; section 6 item 14" 'int a; /* never closed\n int b;'
one_file_case filter-slash-at-eof "a / as the very last byte is hashed (the byte after it is the NUL terminator)" \
  "docs/srcversion-rules.md section 1.3 step 4; section 5 row 8; section 6 item 14" 'int a; /'
one_file_case filter-comment-star-slash-forms "/*/ is a complete comment, /**/ too, /* at end of file is nothing" \
  "docs/srcversion-rules.md section 1.3 step 4; section 5 row 9; section 6 item 14" 'a /*/ b */ c /**/ d /*'
one_file_case filter-backslash-lf-vs-crlf "backslash+LF is removed, backslash+CR+LF keeps the backslash" \
  "docs/srcversion-rules.md section 1.3 step 1; section 5 row 10; section 6 item 14" '#define X a \\\r\n b\r\n#define Y c \\\n d'
one_file_case filter-backslash-at-eof "a backslash as the very last byte is hashed" \
  "docs/srcversion-rules.md section 1.3 step 1; section 5 row 11; section 6 item 14" 'x \\'
one_file_case filter-empty-source "an empty source file contributes nothing (v5.8+); the stream is empty" \
  "docs/srcversion-rules.md section 1.3; section 5 row 12; section 6 item 13" ''
one_file_case filter-string-unterminated "an unterminated string hashes everything raw to the end of file" \
  "docs/srcversion-rules.md section 1.3 step 3; section 5 row 13; section 6 item 15" 'a "b c\n d /* e'
one_file_case filter-string-escaped-backslash "a string ending in \\\\\" does not close at that quote" \
  "docs/srcversion-rules.md section 1.3 step 3; section 5 row 14; section 6 item 15" 'a "x\\\\" y z "w" v'
one_file_case filter-whitespace-high-bytes "only the 6 C-locale spaces are skipped: 0x85, 0xA0, 0x1C-0x1F, 0xFF, 0x80 are hashed" \
  "docs/srcversion-rules.md section 1.3 step 2; section 5 row 15; section 6 item 16" 'a\x85b\xa0c\x1c\x1d\x1e\x1fd\v\f\r\te\xff\x80'
one_file_case filter-char-literal-quote "the char literal '\"' opens a string (no trailing newline)" \
  "docs/srcversion-rules.md section 1.3 step 3; section 5 row 16; section 6 item 15" 'char c = '"'"'"'"'"'; int  x = 1; /* c */ "tail"'
one_file_case filter-whitespace-all-bytes "every byte class next to a letter: 0x09-0x0D and 0x20 skipped; 0x1C-0x1F, 0x7F, 0x80, 0x85, 0xA0, 0xFF hashed" \
  "docs/srcversion-rules.md section 1.3 step 2; section 6 item 16" 'a\tb\nc\vd\fe\rf g\x1ch\x1di\x1ej\x1fk\x7fl\x80m\x85n\xa0o\xffp\n'
one_file_case filter-string-contents "strings keep /*, */, tabs, newlines, \\\" and backslash-newline; the comment after them is dropped" \
  "docs/srcversion-rules.md section 1.3 steps 1, 3, 4; section 6 item 15" 'static const char *s = "a /* b */ c\t d\n e \\" f";\nstatic const char *t = "x\\\ny";\nint after; /* dropped */\n'
one_file_case filter-line-comment-quotes "// comments are not comments: their text is hashed, and a quote in one opens a string across lines" \
  "docs/srcversion-rules.md section 1.3 ('//' not recognised); section 6 item 15" 'int a; // it'"'"'s "quoted" /* c */ here\nint b; // say "hi\nint c; // end"\nint d;\n'

new_case filter-c-includes-c m/x "a .c file #included by the .c is a same-directory dep and is hashed like a header" \
  "docs/srcversion-rules.md section 1.2 step 4f; section 6 item 17; section 5 row 2 (impl.c)"
modfile m/x m/x.o
cmdfile m/x.o m/x.c m/impl.c
letter m/x.c X
letter m/impl.c I

new_case filter-empty-header m/x "an empty same-directory header contributes nothing" \
  "docs/srcversion-rules.md section 1.3; section 5 row 22; section 6 item 13"
modfile m/x m/x.o
cmdfile m/x.o m/x.c m/a.h m/empty.h
letter m/x.c X
letter m/a.h A
put m/empty.h ''

# ------------------------------------------ same-directory test (docs/srcversion-rules.md section 1.2 step 4f) -----
new_case samedir-spellings m/x "same-dir test for dir m/: a dep passes only if the first occurrence of m/ in it ends at its last slash" \
  "docs/srcversion-rules.md section 1.2 step 4e-4f; section 5 row 17; section 6 item 9"
note "deps: m/a.h (hashed), m/sub/b.h, m/sub/../c.h, m/./d.h, m//e.h, \$(wildcard ...), other/m/f.h (hashed: substring), m/m/g.h (first m/ is not at the last slash)"
modfile m/x m/x.o
cmdfile m/x.o m/x.c m/a.h m/sub/b.h m/sub/../c.h m/./d.h m//e.h @M_OPTION other/m/f.h m/m/g.h
letter m/x.c X
letter m/a.h A
letter m/sub/b.h B
letter m/c.h C
letter m/d.h D
letter m/e.h E
letter other/m/f.h F
letter m/m/g.h G

new_case samedir-net-substring net/x "same-dir test is a substring test: for dir net/ drivers/net/a.h, net/c.h, xnet/d.h pass; a/net/net/b.h and net/sub/z.h do not" \
  "docs/srcversion-rules.md section 1.2 step 4f; section 5 row 18; section 6 item 9; section 7 (in-tree net/ dirs)"
modfile net/x net/x.o
cmdfile net/x.o net/x.c drivers/net/a.h a/net/net/b.h net/c.h xnet/d.h net/sub/z.h
letter net/x.c X
letter drivers/net/a.h A
letter a/net/net/b.h B
letter net/c.h C
letter xnet/d.h D
letter net/sub/z.h Z

new_case object-without-dir x "object x.o with no directory: dir is empty, nothing but the source_ file is hashed; ../outside/z.h does not exist and is never opened" \
  "docs/srcversion-rules.md section 1.2 steps 1 and 4f (dir \"\"); section 5 row 19 (../outside/z.h where the first experiment had /abs/z.h: fixtures have no absolute paths); section 6 item 7"
modfile x x.o
cmdfile x.o x.c x.h sub/y.h ../outside/z.h
letter x.c X
letter x.h H
letter sub/y.h Y

new_case object-double-slash a/x "object a//x.o: dir is a// as written; a//h.h and b/a//j.h pass, a/i.h and a//sub/k.h do not" \
  "docs/srcversion-rules.md section 1.2 step 1 (nothing normalised) and 4f; section 6 item 7"
modfile a/x a//x.o
cmdfile a//x.o a//x.c a//h.h a/i.h b/a//j.h a//sub/k.h
letter a/x.c X
letter a/h.h H
letter a/i.h I
letter b/a/j.h J
letter a/sub/k.h K

new_case source-in-other-dir m/x "the source_ file is hashed unconditionally, even outside the object's dir; its neighbours are not" \
  "docs/srcversion-rules.md section 1.2 step 4a; section 6 item 8"
modfile m/x m/x.o
cmdfile m/x.o other/x.c other/a.h m/b.h
letter other/x.c X
letter other/a.h A
letter m/b.h B

# ---------------------------------------------------------------- E7: ./ objects (6.13+ M= layout) ----------------
CC_NAME=x86_64-linux-gnu-gcc-14
new_case e7-dot-slash-objects hello "6.13+ M= layout: .mod lists ./hello.o and ./sub/b.o; dir ./ matches sub/../h.h only, dir ./sub/ matches nothing" \
  "docs/srcversion-rules.md section 2 E7; section 1.2 step 4f (dir ./); section 5 row 30; section 6 items 7 and 17"
modfile hello ./hello.o ./sub/b.o
cmdfile ./hello.o hello.c h.h sub/s.h sub/../h.h
cmdfile ./sub/b.o sub/b.c sub/b.h sub/../h.h
letter hello.c X
letter h.h H
letter sub/s.h S
letter sub/b.c B
letter sub/b.h Q

new_case e7-parent-dir-header hello "dir ./: ../parent.h passes the same-dir test (its ./ ends at the last slash) and is opened, though outside the tree; h.h does not pass and is never opened (both absent)" \
  "docs/srcversion-rules.md section 2 E7 (../parent.h); section 1.2 step 4f; section 6 items 9 and 13"
note "expected is a fatal naming ../parent.h: proof that modpost opened it (the file cannot be provided: it is outside tree/)"
modfile hello ./hello.o
cmdfile ./hello.o hello.c h.h ../parent.h
letter hello.c X

new_case e7-sub-object hello "dir ./sub/: sub/../sub/x.h and ./sub/z.h pass; sub/b.h, sub/../a.h and sub/sub/y.h do not" \
  "docs/srcversion-rules.md section 2 E7; section 1.2 step 4f; section 6 item 17"
modfile hello ./sub/b.o
cmdfile ./sub/b.o sub/b.c sub/b.h sub/../a.h sub/../sub/x.h sub/sub/y.h ./sub/z.h
letter sub/b.c B
letter sub/b.h Q
letter a.h A
letter sub/x.h X
letter sub/sub/y.h Y
letter sub/z.h Z
CC_NAME=x86_64-linux-gnu-gcc-12

# --------------------------------------------------------- .mod reading (docs/srcversion-rules.md section 1.1) -----
new_case mod-static-lib-and-duplicate m/x ".mod lists m/x.o, m/lib.a, m/y.o, m/x.o: the .a is skipped, the duplicate hashed twice (no -m)" \
  "docs/srcversion-rules.md section 1.1 (.a skip, no de-duplication); section 5 row 20; section 6 items 4 and 6"
modfile m/x m/x.o m/lib.a m/y.o m/x.o
cmdfile m/x.o m/x.c m/a.h
cmdfile m/y.o m/y.c
letter m/x.c X
letter m/a.h A
letter m/y.c Y

new_case mod-static-lib-modversions m/x "the same .mod with -m (CONFIG_MODVERSIONS): the CRC pass opens m/.lib.a.cmd, which is missing" \
  "docs/srcversion-rules.md section 1.1 (NOTE on -m); section 5 row 20b; section 6 item 6"
note "the CRC pass names the .cmd '<dir>.<base>.cmd' up to 6.x, but '<dir>.<base minus 2 chars>.o.cmd' in 7.x (the .thinlto-native.o change), so 7.2 asks for m/.lib.o.cmd"
flags -m
modfile m/x m/x.o m/lib.a m/y.o m/x.o
cmdfile m/x.o m/x.c m/a.h
cmdfile m/y.o m/y.c
letter m/x.c X
letter m/a.h A
letter m/y.c Y

new_case mod-static-lib-with-cmd-modversions m/x "with -m and the .a's own .cmd present modpost succeeds; the .a is still skipped for srcversion" \
  "docs/srcversion-rules.md section 1.1 (.a skip; -m CRC pass); section 6 item 6"
note "7.2's CRC pass asks for m/.lib.o.cmd instead (see mod-static-lib-modversions), which this case does not provide"
flags -m
modfile m/x m/x.o m/lib.a
cmdfile m/x.o m/x.c
printf 'savedcmd_m/lib.a := rm -f m/lib.a; printf "m/%%s " l1.o | xargs x86_64-linux-gnu-ar cDPrST m/lib.a\n' > "$(cmdpath m/lib.a)"
letter m/x.c X
letter m/l1.c L

new_case mod-empty-line m/x "an empty line in .mod is skipped and reading goes on (m/x.o, empty line, m/y.o)" \
  "docs/srcversion-rules.md section 1.1 (v5.19+ split on LF, empty lines skipped); section 6 item 6"
put m/x.mod 'm/x.o\n\nm/y.o\n'
cmdfile m/x.o m/x.c
cmdfile m/y.o m/y.c
letter m/x.c X
letter m/y.c Y

new_case mod-empty-line-modversions m/x ".mod m/x.o, empty line, m/lib.a (no .cmd), m/y.o with -m: the CRC pass stops at the empty line (else m/lib.a's missing .cmd would be fatal); the srcversion pass goes on to m/y.o" \
  "docs/srcversion-rules.md section 1.1 (NOTE: the CRC pass stops at the first empty line; .a skip); section 6 item 6"
flags -m
put m/x.mod 'm/x.o\n\nm/lib.a\nm/y.o\n'
cmdfile m/x.o m/x.c
cmdfile m/y.o m/y.c
letter m/x.c X
letter m/y.c Y

new_case mod-no-final-newline m/x "the last .mod entry has no newline; it is still read" \
  "docs/srcversion-rules.md section 1.1 (split on LF); section 6 item 6"
put m/x.mod 'm/x.o\nm/y.o'
cmdfile m/x.o m/x.c
cmdfile m/y.o m/y.c
letter m/x.c X
letter m/y.c Y

new_case mod-one-line-f2 m/x "a 5.3-5.18 style .mod (objects space-separated on line 1, empty line 2) read by a modern modpost: one entry 'm/x.o m/x.o'" \
  "docs/srcversion-rules.md section 1.1 (split on LF only); section 3 F2; section 5 row 27"
put m/x.mod 'm/x.o m/x.o\n\n'
cmdfile m/x.o m/x.c
letter m/x.c X

new_case mod-dir-only-entry m/x "a .mod entry that is only a directory (m/), as printf with no objects writes for a composite module without objects" \
  "docs/srcversion-rules.md section 1.2 step 1 (base empty: m/..cmd); section 3 F3; section 6 item 6"
modfile m/x m/
letter m/x.c X

new_case mod-empty-file m/x "an empty .mod file: no objects at all" \
  "docs/srcversion-rules.md section 1.1; section 6 item 6"
put m/x.mod ''
letter m/x.c X

new_case mod-missing m/x "no .mod file for the module" \
  "docs/srcversion-rules.md section 1.1 (what a missing .mod does in v6.x)"
cmdfile m/x.o m/x.c
letter m/x.c X

new_case composite-with-subdir m/multi "composite module: .mod m/a.o then m/sub/b.o; a.o hashes a.c, a.h, impl.c; b.o hashes sub/b.c, sub/b.h; not sub/s.h (for a.o) nor sub/../a.h (for b.o)" \
  "docs/srcversion-rules.md section 1.1; section 1.2 step 4f; section 5 row 2 (crafted .cmd files, own contents); section 6 items 4 and 17"
modfile m/multi m/a.o m/sub/b.o
cmdfile m/a.o m/a.c m/a.h m/sub/s.h m/impl.c
cmdfile m/sub/b.o m/sub/b.c m/sub/b.h m/sub/../a.h
letter m/a.c A
letter m/a.h H
letter m/impl.c I
letter m/sub/s.h S
letter m/sub/b.c B
letter m/sub/b.h J

# -------------------------------------------------- .cmd walk (docs/srcversion-rules.md section 1.2 steps 2-4) -----
new_case deps-source-itself-and-duplicates m/x "the deps list holds the source itself and m/a.h twice: all hashed again, no de-duplication" \
  "docs/srcversion-rules.md section 1.2 step 4f; section 5 row 21; section 6 item 9"
modfile m/x m/x.o
cmdfile m/x.o m/x.c m/x.c m/a.h @A_OPT m/a.h
letter m/x.c X
letter m/a.h A

new_case long-cmd-line m/x "the savedcmd_ line is about 7 KB: no line-length limit in v5.8+, m/a.h is still hashed" \
  "docs/srcversion-rules.md section 1.2 step 3 (get_line, no 4095 limit); section 5 row 23; section 6 item 10"
EXTRA_CFLAGS=$(for i in $(seq 1 180); do printf ' -DSRCV_LONG_OPTION_%03d=0x%04x' "$i" "$i"; done)
modfile m/x m/x.o
cmdfile m/x.o m/x.c m/a.h
EXTRA_CFLAGS=""
letter m/x.c X
letter m/a.h A

new_case long-dep-line m/x "a 5000-byte \$(wildcard ...) line inside the deps list: no limit in v5.8+, the dep after it is hashed" \
  "docs/srcversion-rules.md section 1.2 step 3 (get_line; E1-E4 would end the scan there); section 6 item 10"
modfile m/x m/x.o
cmdfile m/x.o m/x.c "@SRCV_$(printf 'A%.0s' $(seq 1 4960))" m/a.h
letter m/x.c X
letter m/a.h A

new_case dep-without-backslash m/x "a dep line without trailing backslash ends the scan: m/a.h hashed; m/b.h (that line) and m/c.h not" \
  "docs/srcversion-rules.md section 1.2 step 4d; section 5 row 24; section 6 item 10"
modfile m/x m/x.o
{ cmd_head m/x.o m/x.c; printf '  m/a.h \\\n  m/b.h\n  m/c.h \\\n'; cmd_tail m/x.o; } > "$(cmdpath m/x.o)"
letter m/x.c X
letter m/a.h A
letter m/b.h B
letter m/c.h C

new_case indent-tab-8space-blank-line m/x "a tab-indented and an 8-space-indented dep are trimmed and hashed; a blank line then ends the scan before m/c.h" \
  "docs/srcversion-rules.md section 1.2 steps 3-4 (trim any isspace; blank line stops); section 5 row 25; section 6 item 10"
modfile m/x m/x.o
{ cmd_head m/x.o m/x.c; printf '\tm/a.h \\\n        m/b.h \\\n\n  m/c.h \\\n'; cmd_tail m/x.o; } > "$(cmdpath m/x.o)"
letter m/x.c X
letter m/a.h A
letter m/b.h B
letter m/c.h C

new_case old-style-no-source-line m/x "a .cmd with no source_ line (pre-3.x fixdep): the .c is the first deps_ entry and passes the same-dir test" \
  "docs/srcversion-rules.md section 1.2 step 4; section 4 (<= 2.6.32 layout); section 5 row 26; section 6 item 8"
modfile m/x m/x.o
printf 'cmd_m/x.o := gcc -Wp,-MD,m/.x.o.d -nostdinc -D__KERNEL__ -Iinclude -include include/linux/autoconf.h -O2 -DMODULE -D"KBUILD_STR(s)=#s" -D"KBUILD_BASENAME=KBUILD_STR(x)" -D"KBUILD_MODNAME=KBUILD_STR(x)" -c -o m/x.o m/x.c\n\ndeps_m/x.o := \\\n  m/x.c \\\n    $(wildcard include/config/m/option.h) \\\n  include/linux/module.h \\\n  m/a.h \\\n\nm/x.o: $(deps_m/x.o)\n\n$(deps_m/x.o):\n' > "$(cmdpath m/x.o)"
letter m/x.c X
letter m/a.h A

new_case missing-header m/x "a same-dir header that does not exist is fatal" \
  "docs/srcversion-rules.md section 1.2 step 4f / 1.3 (missing file fatal in v5.8+); section 5 row 28; section 6 item 13"
modfile m/x m/x.o
cmdfile m/x.o m/x.c m/a.h m/nothere.h
letter m/x.c X
letter m/a.h A

new_case missing-source m/x "the source_ file does not exist: fatal" \
  "docs/srcversion-rules.md section 1.2 step 4a; section 6 item 13"
modfile m/x m/x.o
cmdfile m/x.o m/x.c m/a.h
letter m/a.h A

new_case missing-cmd m/x "the object's .cmd file does not exist: fatal" \
  "docs/srcversion-rules.md section 1.2 step 2 (v5.8+ fatal); section 6 item 13"
modfile m/x m/x.o
letter m/x.c X

new_case cmd-empty-file m/x "the object's .cmd file is empty: no source_, no deps, nothing hashed (in <= 5.7 the mmap would fail)" \
  "docs/srcversion-rules.md section 1.2 step 2; section 6 item 13"
modfile m/x m/x.o
put m/.x.o.cmd ''
letter m/x.c X

new_case dep-line-source-prefix m/x "a dep line '  source_zz := m/b.h \\' is taken as a source_ line: the text after its last space is '\\', which does not exist" \
  "docs/srcversion-rules.md section 1.2 step 4g; section 5 row 29; section 6 item 12"
modfile m/x m/x.o
cmdfile m/x.o m/x.c m/a.h 'source_zz := m/b.h'
letter m/x.c X
letter m/a.h A
letter m/b.h B

new_case dep-line-source-prefix-no-space m/x "a dep line '  source_m/c.h' (no backslash, so no space after the trim) is a malformed source_ line" \
  "docs/srcversion-rules.md section 1.2 steps 4a and 4g ('malformed line'); section 6 item 12"
note "as in source-line-no-space, Debian's 6.1.0-56 modpost aborts after the warning (missing mainline 4b60a5655528)"
modfile m/x m/x.o
{ cmd_head m/x.o m/x.c; printf '  m/a.h \\\n  source_m/c.h\n  m/b.h \\\n'; cmd_tail m/x.o; } > "$(cmdpath m/x.o)"
letter m/x.c X
letter m/a.h A
letter m/b.h B
letter m/c.h C

new_case source-line-no-space m/x "the source_ line has no space ('source_m/x.o:=m/x.c'): malformed" \
  "docs/srcversion-rules.md section 1.2 step 4a ('malformed line'); section 6 item 12"
note "after the warning, a modpost without mainline 4b60a5655528 (v6.12; not in Debian's 6.1.0-56) frees the .mod buffer at the pointer strsep advanced: glibc aborts (SIGABRT)"
modfile m/x m/x.o
cmdfile m/x.o m/x.c m/a.h
sed -i 's|^source_m/x.o := m/x.c$|source_m/x.o:=m/x.c|' "$(cmdpath m/x.o)"
letter m/x.c X
letter m/a.h A

new_case source-line-no-space-mod-no-final-newline m/x "the same malformed source_ line, but the .mod holds 'm/x.o' without a newline: strsep leaves its pointer NULL, so even 6.1's buggy free does not crash" \
  "docs/srcversion-rules.md section 1.2 step 4a ('malformed line'); section 1.1; section 6 item 12"
put m/x.mod 'm/x.o'
cmdfile m/x.o m/x.c m/a.h
sed -i 's|^source_m/x.o := m/x.c$|source_m/x.o:=m/x.c|' "$(cmdpath m/x.o)"
letter m/x.c X
letter m/a.h A

new_case dep-line-deps-prefix m/x "a dep path that begins with deps_ (deps_x/m/a.h) is taken as a deps_ line and not hashed; the scan goes on to other/m/b.h" \
  "docs/srcversion-rules.md section 1.2 steps 4b and 4g; section 6 item 12"
modfile m/x m/x.o
cmdfile m/x.o m/x.c deps_x/m/a.h other/m/b.h
letter m/x.c X
letter deps_x/m/a.h A
letter other/m/b.h B

new_case cmd-final-line-no-lf m/x "the .cmd ends inside the deps list with '  m/a.h \\' and no newline: the last fragment is still read and hashed" \
  "docs/srcversion-rules.md section 1.2 step 3 (get_line returns a final fragment; E1-E4 drop it); section 6 item 10"
modfile m/x m/x.o
{ cmd_head m/x.o m/x.c; printf '  m/a.h \\'; } > "$(cmdpath m/x.o)"
letter m/x.c X
letter m/a.h A

new_case cmd-crlf-deps m/x "the deps lines end in backslash CR LF: the last byte of each line is CR, not backslash, so the scan stops at the first dep" \
  "docs/srcversion-rules.md section 1.2 steps 3-4d (split at LF only); section 6 items 10 and 14"
note "only the deps lines have CRLF (a CR on the source_ line would become part of the source path)"
modfile m/x m/x.o
{ cmd_head m/x.o m/x.c | sed '/^deps_/,$ s/$/\r/'; printf '  m/a.h \\\r\n  m/b.h \\\r\n\r\n'; cmd_tail m/x.o; } > "$(cmdpath m/x.o)"
letter m/x.c X
letter m/a.h A
letter m/b.h B

new_case cmd-nul-byte m/x "a NUL byte in the .cmd (after the m/a.h line) ends the walk: m/b.h is not hashed" \
  "docs/srcversion-rules.md section 1.2 step 3 (the buffer is NUL-terminated; a NUL inside ends it)"
modfile m/x m/x.o
{ cmd_head m/x.o m/x.c; printf '  m/a.h \\\n\0  m/b.h \\\n'; cmd_tail m/x.o; } > "$(cmdpath m/x.o)"
letter m/x.c X
letter m/a.h A
letter m/b.h B

# ---------------------------------------------------------------- a realistic module -------------------------------
new_case realistic-module m/hello "ordinary C: hello.c includes hello.h and sub/inner.h (which includes ../hello.h); hashed: hello.c, hello.h" \
  "docs/srcversion-rules.md section 1.2-1.3; section 5 row 1 (crafted .cmd, own sources); section 6 items 9 and 17"
modfile m/hello m/hello.o
cmdfile m/hello.o m/hello.c m/hello.h m/sub/inner.h m/sub/../hello.h @HELLO_DEBUG
put m/hello.c '// SPDX-License-Identifier: GPL-2.0\n/*\n * hello.c - a module that says hello.\n */\n#include <linux/module.h>\n#include <linux/init.h>\n#include "hello.h"\n#include "sub/inner.h"\n\nstatic char *whom = "world";\nmodule_param(whom, charp, 0444);\n\nstatic int __init hello_init(void)\n{\n\tpr_info("hello, %%s (%%d)\\n", whom, HELLO_ANSWER);\n\treturn 0;\n}\n\nstatic void __exit hello_exit(void)\n{\n\tpr_info("goodbye, %%s\\n", whom);\n}\n\nmodule_init(hello_init);\nmodule_exit(hello_exit);\nMODULE_LICENSE("GPL");\nMODULE_VERSION("1.0");\n'
put m/hello.h '/* SPDX-License-Identifier: GPL-2.0 */\n#ifndef HELLO_H\n#define HELLO_H\n\n#define HELLO_ANSWER 42\t/* the answer */\n\n#endif /* HELLO_H */\n'
put m/sub/inner.h '#include "../hello.h"\n#define INNER (HELLO_ANSWER + 1)\n'

finish_case
