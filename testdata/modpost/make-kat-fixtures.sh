#!/usr/bin/env bash
# Writes the MD4 padding known-answer cases kat-n<N>: module m/x, one object m/x.o whose .cmd names m/x.c as source_
# and has an empty deps list; m/x.c holds exactly N bytes, byte i = 'A' + i mod 26, no newline. The hashed stream is
# those N bytes (no whitespace, quotes, comments or '/'), so each case tests one MD4 padding boundary
# (docs/srcversion-rules.md section 1.4).
# kat-n64-split-across-files spreads the same 64 bytes over two files: one MD4 stream per module, not one per file.
# Goldens: scripts/modpost-oracle.sh (never this script).
# shellcheck source-path=SCRIPTDIR source=fixture-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/fixture-lib.sh"

# abc <from> <count>: count bytes of the repeating ABC...Z pattern starting at pattern index from
abc() { awk -v f="$1" -v n="$2" 'BEGIN { for (i = f; i < f + n; i++) printf "%c", 65 + i % 26 }'; }

for n in 0 1 3 4 55 56 57 63 64 65 119 120 128 1000; do
  new_case "kat-n$n" m/x "MD4 known answer: m/x.c holds $n bytes of ABC...Z repeating (no newline), empty deps list" \
    "docs/srcversion-rules.md section 1.4 (MD4 variant, padding boundary, 23-character truncation); section 5 row 31; section 6 items 2-3"
  modfile m/x m/x.o
  KDEPS=0 cmdfile m/x.o m/x.c
  abc 0 "$n" > "$CASE/tree/m/x.c"
done

new_case kat-n64-split-across-files m/x "MD4 stream spans files: m/x.c holds bytes 0-39 of ABC...Z repeating, m/a.h bytes 40-63 (same stream as kat-n64)" \
  "docs/srcversion-rules.md section 1.3 (one MD4 stream per module, files in order); section 1.4; section 6 item 3"
modfile m/x m/x.o
KDEPS=0 cmdfile m/x.o m/x.c m/a.h
abc 0 40 > "$CASE/tree/m/x.c"
abc 40 24 > "$CASE/tree/m/a.h"
