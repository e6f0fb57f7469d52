/*
 * protect.c - page protection codes: which PAGE_* combinations NT accepts
 * and what each lets a user-mode access do. The validity rules are those of
 * the kernel's MiMakeProtectionMask (Windows Internals; ReactOS mirrors them):
 * exactly one base protection; PAGE_GUARD, PAGE_NOCACHE and
 * PAGE_WRITECOMBINE are modifiers, none of them allowed on PAGE_NOACCESS and
 * no two of them together.
 */
#include "mm/mm_internal.h"

#define PAGE_MODIFIERS (PAGE_GUARD | PAGE_NOCACHE | PAGE_WRITECOMBINE)

static bool single_bit(ULONG x)
{
    return x && !(x & (x - 1));
}

bool mm_protect_is_valid(ULONG protect)
{
    if (protect & ~(0xFFu | PAGE_MODIFIERS))
        return false;
    ULONG low = protect & 0x0Fu, high = protect & 0xF0u;
    if ((low && high) || !single_bit(low | high))
        return false;
    ULONG mods = protect & PAGE_MODIFIERS;
    if (mods && (low == PAGE_NOACCESS || !single_bit(mods)))
        return false;
    return true;
}

bool mm_protect_is_copy_on_write(ULONG protect)
{
    return (protect & (PAGE_WRITECOPY | PAGE_EXECUTE_WRITECOPY)) != 0;
}

ULONG mm_protect_copy_on_write_form(ULONG protect)
{
    ULONG mods = protect & ~0xFFu;
    switch (protect & 0xFFu) {
    case PAGE_READWRITE: return mods | PAGE_WRITECOPY;
    case PAGE_EXECUTE_READWRITE: return mods | PAGE_EXECUTE_WRITECOPY;
    default: return protect;
    }
}

bool mm_protect_allows(ULONG protect, mm_access access)
{
    /* x86/x64 page tables have no execute-only pages: PAGE_EXECUTE reads too. */
    static const ULONG readable = PAGE_READONLY | PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE |
                                  PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY;
    static const ULONG writable = PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE |
                                  PAGE_EXECUTE_WRITECOPY;
    static const ULONG executable = PAGE_EXECUTE | PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE |
                                    PAGE_EXECUTE_WRITECOPY;
    ULONG base = protect & 0xFFu;
    switch (access) {
    case MM_READ:
        return (base & readable) != 0;
    case MM_WRITE:
        return (base & writable) != 0;
    case MM_EXECUTE:
        return (base & executable) != 0;
    }
    return false;
}
