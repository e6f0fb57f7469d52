/*
 * Exercise 05 - decode the system monitor's read buffer by hand: the bytes
 * one ReadFile on \??\SysMon returned, turned into the lines the book's
 * client prints. starter.c (yours) and solution/solution.c implement it.
 */
#ifndef EX05_EXERCISE_H
#define EX05_EXERCISE_H

#include <stddef.h>

#define EX05_LINE_MAX 2048 /* bytes per line, terminator included */

/*
 * Walks the items in buf[0..bytes) and writes, for each item the client
 * prints, its line (time prefix included, no newline) into lines[n].
 * Writes at most max lines; returns how many it wrote.
 */
size_t ex05_decode(const unsigned char *buf, size_t bytes, char lines[][EX05_LINE_MAX], size_t max);

#endif
