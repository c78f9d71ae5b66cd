# Packaging test (ctest package.consumer): install riskgrid into a prefix, then build and
# run a consumer project against it with find_package, and again with add_subdirectory.
# Variables: SOURCE_DIR, WORK_DIR, CXX, HAVE_MPI.
cmake_minimum_required(VERSION 3.25)

function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
  endif()
  message(STATUS "ok: ${ARGN}")
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

step(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/riskgrid -DCMAKE_CXX_COMPILER=${CXX}
     -DCMAKE_INSTALL_PREFIX=${prefix} -DRISKGRID_BUILD_TESTS=OFF -DRISKGRID_BUILD_EXAMPLES=OFF
     -DRISKGRID_BUILD_BENCHMARKS=OFF -DRISKGRID_INSTALL=ON)
step(${CMAKE_COMMAND} --install ${WORK_DIR}/riskgrid)
foreach(f include/riskgrid/riskgrid.hpp share/cmake/riskgrid/riskgridConfig.cmake
          share/cmake/riskgrid/riskgridConfigVersion.cmake)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

foreach(mode find_package add_subdirectory)
  set(build ${WORK_DIR}/consumer-${mode})
  if(mode STREQUAL "find_package")
    set(args -DCMAKE_PREFIX_PATH=${prefix})
  else()
    set(args -DRISKGRID_SOURCE=${SOURCE_DIR})
  endif()
  step(${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/consumer -B ${build} -DCMAKE_CXX_COMPILER=${CXX}
       -DCMAKE_BUILD_TYPE=Release ${args})
  step(${CMAKE_COMMAND} --build ${build} -j 2)
  step(${build}/consumer)
  step(${build}/consumer_mpi)
endforeach()

# The version file refuses an incompatible request.
file(WRITE ${WORK_DIR}/too_new/CMakeLists.txt
     "cmake_minimum_required(VERSION 3.25)\nproject(p LANGUAGES CXX)\nfind_package(riskgrid 0.2 CONFIG REQUIRED)\n")
execute_process(COMMAND ${CMAKE_COMMAND} -S ${WORK_DIR}/too_new -B ${WORK_DIR}/too_new/build
                        -DCMAKE_PREFIX_PATH=${prefix}
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(rc EQUAL 0)
  message(FATAL_ERROR "find_package(riskgrid 0.2) accepted version 0.1")
endif()
message(STATUS "package test passed")
