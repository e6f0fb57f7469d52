#!/bin/sh
# doxygen_filter.sh FILE - Doxygen's INPUT_FILTER for include/ntsim/*.h.
# The public headers document every declaration with a plain C comment
# above it, and every field with a comment after it (STYLE.md: the header is
# the documentation). This hands Doxygen the same text as Doxygen comments,
# without touching the headers:
#   line 1's comment                -> the file's description (@file)
#   a comment starting a line       -> the doc of what follows  (/** ... */)
#   a comment after code            -> the doc of that member   (/**< ... */)
# Section rules ("/* ---- pool ---- */") stay plain comments, and a
# backslash in a comment (C:\Windows) stays a backslash, not a command.
sed -e '/\(\/\*\|^[[:space:]]*\*\)/s|\\\([A-Za-z]\)|\\\\\1|g' \
    -e '1s|^/\*|/** @file|' \
    -e 's|^\([[:space:]]*\)/\*\([^*-]\)|\1/**\2|' \
    -e 's|\([^[:space:]]\)\([[:space:]]*\)/\*\([^*<]\)|\1\2/**<\3|' \
    "$1"
