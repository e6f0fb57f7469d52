# ntsim_add_program(NAME SOURCE...): a Win32 program of your own (a driver's
# client) as a module ntsim runs as a simulated process (`process create
# NAME image=... program=NAME.so`, ntsim_create_program_process). Built with
# the Win32 headers of include/ntsim/win32 (<windows.h>, <winioctl.h>,
# <tchar.h>) on its include path and ntsim_program.h included first in every
# source: printf and the other console calls become the process's console
# output, the wide-string calls work on the 16-bit wchar_t (-fshort-wchar)
# Windows has. _GLIBCXX_ASSERTIONS makes std::wstring's code the program's
# own (libstdc++'s prebuilt one assumes a 32-bit wchar_t). UNICODE and
# _UNICODE are defined, as a Visual Studio project defines them. It resolves the
# Win32 calls against the ntsim that loads it; -Bsymbolic binds its own
# functions to themselves. C11, or C++17.
#
# Included by ntsim's own CMakeLists.txt and by the installed package
# (find_package(ntsim)); NTSIM_DRIVER_INCLUDE_DIR names the headers.
# C++'s operator new and delete on the program's heap, beside this file.
set(_NTSIM_PROGRAM_NEW ${CMAKE_CURRENT_LIST_DIR}/ntsim_program_new.cpp)

function(ntsim_add_program name)
  if(NOT ARGN)
    message(FATAL_ERROR "ntsim_add_program(${name}): no sources")
  endif()
  add_library(${name} MODULE ${ARGN})
  # A C++ program's new and delete go to its heap too (freed with its process).
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  foreach(source ${ARGN})
    if(source MATCHES "\\.(cpp|cxx|cc|C)$" AND "CXX" IN_LIST languages)
      target_sources(${name} PRIVATE ${_NTSIM_PROGRAM_NEW})
      break()
    endif()
  endforeach()
  target_include_directories(${name} PRIVATE ${NTSIM_DRIVER_INCLUDE_DIR}/ntsim/win32)
  set_target_properties(${name} PROPERTIES
    PREFIX "" SUFFIX ".so" POSITION_INDEPENDENT_CODE ON
    C_STANDARD 11 C_STANDARD_REQUIRED ON CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON)
  target_compile_options(${name} PRIVATE -fPIC -fshort-wchar -Wno-multichar
                         -include ${NTSIM_DRIVER_INCLUDE_DIR}/ntsim/win32/ntsim_program.h -DUNICODE -D_UNICODE
                         $<$<COMPILE_LANGUAGE:CXX>:-D_GLIBCXX_ASSERTIONS>)
  target_link_options(${name} PRIVATE -Wl,-Bsymbolic)
endfunction()
