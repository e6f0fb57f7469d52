# Replays a scenario and compares its output byte for byte with a golden file.
# cmake -DNTSIM=... -DSCENARIO=... -DFORMAT=jsonl|text -DGOLDEN=... -P golden.cmake
# Extra arguments for a scenario may sit beside its golden files (NAME.args).
set(args "")
if(EXISTS ${ARGS_FILE})
  file(READ ${ARGS_FILE} args)
  string(STRIP "${args}" args)
  separate_arguments(args UNIX_COMMAND "${args}")
endif()
execute_process(COMMAND ${NTSIM} run --format ${FORMAT} ${args} ${SCENARIO}
                OUTPUT_VARIABLE out RESULT_VARIABLE rc)
# A shipped scenario teaches by passing: every expect must hold (exit 0).
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ntsim exited with ${rc} on ${SCENARIO}: a shipped scenario must pass")
endif()
file(READ ${GOLDEN} want)
if(NOT out STREQUAL want)
  file(WRITE ${GOLDEN}.actual "${out}")
  message(FATAL_ERROR "${SCENARIO}: output differs from ${GOLDEN} (actual output in ${GOLDEN}.actual)")
endif()
