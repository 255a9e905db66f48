# Writes generated/build_info.h from src/core/build_info.h.in with the source tree's commit, at build time (every
# build), touching the header only when its text changes:
#   cmake -DSRC=source-dir -DOUT=generated/build_info.h -DPROJECT_VERSION=.. -DCLLM_BUILD_FLAGS=..
#         -DCMAKE_C_COMPILER_ID=.. -DCMAKE_C_COMPILER_VERSION=.. -P cmake/build_info.cmake
# The commit in every results file is then the one the binary was built from, not the one CMake last configured
# at; "-dirty" when tracked files differ from it, "unknown" outside a git checkout.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE CLLM_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE dirty OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT CLLM_GIT_COMMIT)
  set(CLLM_GIT_COMMIT "unknown")
elseif(dirty)
  set(CLLM_GIT_COMMIT "${CLLM_GIT_COMMIT}-dirty")
endif()
configure_file(${SRC}/src/core/build_info.h.in ${OUT} @ONLY)
