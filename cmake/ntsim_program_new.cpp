// ntsim_program_new.cpp - C++'s global operator new and delete for a program
// module (ntsim_add_program adds this file to C++ programs): every
// allocation on the program's heap, which goes with its process
// (src/win32/heap.c), as Windows frees a process's heaps with it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

extern "C" void *ntsim_malloc(std::size_t size);
extern "C" void ntsim_free(void *block);

namespace {
void *allocate(std::size_t n)
{
    void *p = ntsim_malloc(n);
#if defined(__cpp_exceptions)
    if (!p)
        throw std::bad_alloc();
#else
    if (!p)
        std::abort();
#endif
    return p;
}

// Over-aligned: room for the alignment and the block's own address before it.
void *allocate_aligned(std::size_t n, std::align_val_t a, bool nothrow)
{
    std::size_t align = static_cast<std::size_t>(a);
    void *raw = ntsim_malloc(n + align + sizeof(void *));
    if (!raw) {
        if (nothrow)
            return nullptr;
        return allocate(SIZE_MAX); // fails as a plain new does
    }
    std::uintptr_t at = (reinterpret_cast<std::uintptr_t>(raw) + sizeof(void *) + align - 1) & ~(align - 1);
    reinterpret_cast<void **>(at)[-1] = raw;
    return reinterpret_cast<void *>(at);
}

void free_aligned(void *p)
{
    if (p)
        ntsim_free(reinterpret_cast<void **>(p)[-1]);
}
} // namespace

void *operator new(std::size_t n) { return allocate(n); }
void *operator new[](std::size_t n) { return allocate(n); }
void *operator new(std::size_t n, const std::nothrow_t &) noexcept { return ntsim_malloc(n); }
void *operator new[](std::size_t n, const std::nothrow_t &) noexcept { return ntsim_malloc(n); }
void operator delete(void *p) noexcept { ntsim_free(p); }
void operator delete[](void *p) noexcept { ntsim_free(p); }
void operator delete(void *p, std::size_t) noexcept { ntsim_free(p); }
void operator delete[](void *p, std::size_t) noexcept { ntsim_free(p); }
void operator delete(void *p, const std::nothrow_t &) noexcept { ntsim_free(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { ntsim_free(p); }

void *operator new(std::size_t n, std::align_val_t a) { return allocate_aligned(n, a, false); }
void *operator new[](std::size_t n, std::align_val_t a) { return allocate_aligned(n, a, false); }
void *operator new(std::size_t n, std::align_val_t a, const std::nothrow_t &) noexcept
{
    return allocate_aligned(n, a, true);
}
void *operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t &) noexcept
{
    return allocate_aligned(n, a, true);
}
void operator delete(void *p, std::align_val_t) noexcept { free_aligned(p); }
void operator delete[](void *p, std::align_val_t) noexcept { free_aligned(p); }
void operator delete(void *p, std::size_t, std::align_val_t) noexcept { free_aligned(p); }
void operator delete[](void *p, std::size_t, std::align_val_t) noexcept { free_aligned(p); }
