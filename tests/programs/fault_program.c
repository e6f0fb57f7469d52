/* fault_program.c - a program with a bug: it writes through a pointer to
   nothing. Its process ends with STATUS_ACCESS_VIOLATION; the replay and
   the other processes go on. */
#include <windows.h>
#include <stdio.h>

struct Item {
    int Count;
    int Total;
};

static struct Item *Find(int which)
{
    (void)which;
    return NULL; /* not found, and the caller forgets to check */
}

int main(int argc, char **argv)
{
    printf("before the fault\n");
    struct Item *item = Find(argc);
    item->Total = argc; /* writes address 0x4 */
    printf("never printed %s\n", argv[0]);
    return 0;
}
