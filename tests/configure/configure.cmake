# Configures ntsim in a fresh folder the ways its users do, and checks what
# they expect of a CMake project (README "Build options"):
#   no-cmocka   no libcmocka: configuring succeeds, one line says what to do
#   no-tests    -DBUILD_TESTING=OFF: no test registered
#   old-switch  -DNTSIM_TESTS=OFF (the older name) too; a later -DBUILD_TESTING=ON wins
#   subproject  add_subdirectory from a parent project: the library, no ntsim test
#   documented  every option() and cache setting of ntsim's CMake files is in the README
# cmake -DCASE=... -DSOURCE=ntsim's root -DWORK=a scratch folder -DGENERATOR=...
#       -DC_COMPILER=... [-DCMOCKA_DIRS=dirs to hide] -P configure.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

# Configures SRC into WORK/BIN with the extra arguments; OUT receives what it printed.
function(configure SRC BIN OUT)
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${SRC} -B ${WORK}/${BIN} -G ${GENERATOR}
                          -DCMAKE_C_COMPILER=${C_COMPILER} ${ARGN}
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "configuring ${SRC} failed (${rc}):\n${out}${err}")
  endif()
  set(${OUT} "${out}${err}" PARENT_SCOPE)
endfunction()

# The number of tests ctest finds in WORK/BIN.
function(count_tests BIN OUT)
  execute_process(COMMAND ${CMAKE_CTEST_COMMAND} --test-dir ${WORK}/${BIN} -N OUTPUT_VARIABLE out)
  string(REGEX MATCH "Total Tests: ([0-9]+)" _ "${out}")
  set(${OUT} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()

if(CASE STREQUAL "no-cmocka")
  # cmocka's folders hidden from every find_library/find_path: as on a machine without it.
  configure(${SOURCE} b printed "-DCMAKE_IGNORE_PATH=${CMOCKA_DIRS}")
  if(printed MATCHES "CMake Error|CMake Warning")
    message(FATAL_ERROR "a missing cmocka shows a raw CMake message:\n${printed}")
  endif()
  string(REGEX MATCHALL "ntsim:[^\n]*" lines "${printed}")
  list(LENGTH lines n)
  if(NOT n EQUAL 1 OR NOT lines MATCHES "apt install libcmocka-dev" OR NOT lines MATCHES "BUILD_TESTING=OFF")
    message(FATAL_ERROR "want one line naming libcmocka-dev and BUILD_TESTING=OFF, got:\n${printed}")
  endif()
  count_tests(b n)
  if(NOT n EQUAL 0)
    message(FATAL_ERROR "without cmocka ${n} tests are registered")
  endif()
elseif(CASE STREQUAL "no-tests")
  configure(${SOURCE} b printed -DBUILD_TESTING=OFF)
  count_tests(b n)
  if(NOT n EQUAL 0)
    message(FATAL_ERROR "-DBUILD_TESTING=OFF still registers ${n} tests")
  endif()
elseif(CASE STREQUAL "old-switch")
  configure(${SOURCE} b printed -DNTSIM_TESTS=OFF)
  count_tests(b n)
  if(NOT n EQUAL 0)
    message(FATAL_ERROR "-DNTSIM_TESTS=OFF still registers ${n} tests")
  endif()
  configure(${SOURCE} b printed -DBUILD_TESTING=ON)
  count_tests(b n)
  if(n EQUAL 0)
    message(FATAL_ERROR "-DBUILD_TESTING=ON after -DNTSIM_TESTS=OFF registers no test")
  endif()
elseif(CASE STREQUAL "subproject")
  configure(${CMAKE_CURRENT_LIST_DIR}/parent b printed -DNTSIM_SOURCE=${SOURCE})
  # The parent's own test only: ntsim's are not the parent's to run.
  count_tests(b n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "a parent project with ntsim inside registers ${n} tests, not its own 1")
  endif()
elseif(CASE STREQUAL "documented")
  file(READ ${SOURCE}/README.md readme)
  foreach(dir . tests exercises bench tests/drivers tests/wdk)
    file(READ ${SOURCE}/${dir}/CMakeLists.txt text)
    string(REGEX MATCHALL "option\\(([A-Z_]+)|set\\(([A-Z_]+) [^\n]*CACHE" found "${text}")
    foreach(hit ${found})
      string(REGEX REPLACE "^(option\\(|set\\()([A-Z_]+).*" "\\2" name "${hit}")
      if(NOT readme MATCHES "`${name}`")
        message(FATAL_ERROR "${dir}/CMakeLists.txt's option ${name} is not in the README's build options")
      endif()
    endforeach()
  endforeach()
else()
  message(FATAL_ERROR "unknown CASE '${CASE}'")
endif()
