/* ticker.c - a program that never ends by itself: it prints a tick every
   400 ms, one line for two ticks. The scenario's end ends it, its
   unfinished line written first. */
#include <windows.h>
#include <stdio.h>

int main(void)
{
    for (int i = 0;; i++) {
        printf("tick %d ", i);
        if (i % 2)
            printf("\n");
        Sleep(400);
    }
}
