/*
 * dontuse.h - the WDK marks functions drivers should not use (the unsafe
 * C string calls) as deprecated. ntsim's headers never declare those, so
 * there is nothing to mark: the include is accepted and changes nothing.
 */
#ifndef NTSIM_WDK_DONTUSE_H
#define NTSIM_WDK_DONTUSE_H
#endif
