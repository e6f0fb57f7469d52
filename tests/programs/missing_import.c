/* missing_import.c - a program calling a Win32 function ntsim does not
   provide: it fails to load, naming the function, before it runs. */
#include <windows.h>
#include <stdio.h>

HANDLE WINAPI GetModuleHandleW(LPCWSTR lpModuleName); /* not in ntsim's subset */

int main(void)
{
    printf("module %p\n", (void *)GetModuleHandleW(NULL));
    return 0;
}
