# ntsim_add_driver(NAME SOURCE...): a driver of your own as a module ntsim
# loads (`driver load NAME.so`, ntsim_load_driver_file). The module is built
# as the WDK builds a driver: <ntddk.h> and the other WDK-named headers
# (include/ntsim/wdk) on its include path beside ntsim/wdk.h, a 16-bit
# wchar_t (-fshort-wchar) so L"..." is a WCHAR string, pool tags as 'tag'
# (-Wno-multichar: g++ warns while preprocessing, where no pragma reaches).
# It resolves the kernel API against
# the program that loads it (the ntsim CLI exports it); -Bsymbolic binds its
# own functions to themselves, so two drivers may both define DriverEntry or
# any helper. C11, or C++17 without exceptions or RTTI as in the kernel.
#
# Included by ntsim's own CMakeLists.txt and by the installed package
# (find_package(ntsim)); NTSIM_DRIVER_INCLUDE_DIR names the headers.
function(ntsim_add_driver name)
  if(NOT ARGN)
    message(FATAL_ERROR "ntsim_add_driver(${name}): no sources")
  endif()
  add_library(${name} MODULE ${ARGN})
  target_include_directories(${name} PRIVATE ${NTSIM_DRIVER_INCLUDE_DIR} ${NTSIM_DRIVER_INCLUDE_DIR}/ntsim/wdk)
  set_target_properties(${name} PROPERTIES
    PREFIX "" SUFFIX ".so" POSITION_INDEPENDENT_CODE ON
    C_STANDARD 11 C_STANDARD_REQUIRED ON CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON)
  target_compile_options(${name} PRIVATE -fPIC -fshort-wchar -Wno-multichar
                         $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti>)
  target_link_options(${name} PRIVATE -Wl,-Bsymbolic)
endfunction()
