/* Windows.h: the same header (Windows file names are case-insensitive). */
#include "windows.h"
