/* tchar.h - the generic-text mappings: wide with UNICODE/_UNICODE, narrow otherwise. */
#ifndef NTSIM_WIN32_TCHAR_H
#define NTSIM_WIN32_TCHAR_H
#include "windows.h"
#if defined(_UNICODE) || defined(UNICODE)
#define _T(x) L##x
#define _tmain wmain
#define _tprintf wprintf
#define _tcslen wcslen
#define _tcscmp wcscmp
#else
#define _T(x) x
#define _tmain main
#define _tprintf printf
#define _tcslen strlen
#define _tcscmp strcmp
#endif
#define _TEXT(x) _T(x)
#endif
