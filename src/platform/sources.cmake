# src/platform: every operating-system call (dynamic libraries, processes, files and folders, this process's
# resources) behind one small interface per concern.
set(CLLM_PLATFORM_SOURCES src/platform/dl.c src/platform/fs.c src/platform/proc_self.c)
if(WIN32)
  list(APPEND CLLM_PLATFORM_SOURCES src/platform/dl_windows.c src/platform/net_nosupport.c)
else()
  list(APPEND CLLM_PLATFORM_SOURCES src/platform/dl_posix.c src/platform/proc_posix.c src/platform/net_posix.c)
endif()
