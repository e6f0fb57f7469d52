# Replays a scenario twice with each of two seeds: the same seed must give the
# same bytes. cmake -DNTSIM=... -DSCENARIO=... -P determinism.cmake
foreach(seed 1 7)
  execute_process(COMMAND ${NTSIM} run --format jsonl --seed ${seed} ${SCENARIO} OUTPUT_VARIABLE a)
  execute_process(COMMAND ${NTSIM} run --format jsonl --seed ${seed} ${SCENARIO} OUTPUT_VARIABLE b)
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "${SCENARIO}: two runs with seed ${seed} differ")
  endif()
  set(out_${seed} "${a}")
endforeach()
# With ASLR on, a process launch under another seed maps its image elsewhere.
if(out_1 MATCHES "image_load" AND out_1 STREQUAL out_7 AND NOT out_1 MATCHES "aslr\":\"off")
  message(FATAL_ERROR "${SCENARIO}: seeds 1 and 7 gave the same bytes although images were mapped")
endif()
