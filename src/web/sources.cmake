# The web GUI: embedded HTTP server (libmicrohttpd), REST API, and the front-end files under web/ embedded into
# the binary at build time (cmake/embed.cmake), so `computellm gui` needs no files beside it.
file(GLOB_RECURSE CLLM_WEB_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/*)
list(SORT CLLM_WEB_FILES)
# the chart library comes from npm (scripts/setup puts it in .deps/web/); served under /vendor/
file(GLOB CLLM_WEB_VENDOR_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/.deps/web/*.js)
set(CLLM_WEB_ASSETS_C ${CMAKE_BINARY_DIR}/generated/web_assets.c)
add_custom_command(
  OUTPUT ${CLLM_WEB_ASSETS_C}
  COMMAND ${CMAKE_COMMAND} -DOUT=${CLLM_WEB_ASSETS_C} -DROOT=${CMAKE_SOURCE_DIR}/web "-DFILES=${CLLM_WEB_FILES}"
          -DROOT2=${CMAKE_SOURCE_DIR}/.deps/web "-DFILES2=${CLLM_WEB_VENDOR_FILES}" -DPREFIX2=/vendor
          -P ${CMAKE_SOURCE_DIR}/cmake/embed.cmake
  DEPENDS ${CLLM_WEB_FILES} ${CLLM_WEB_VENDOR_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed.cmake
  COMMENT "Embedding the web/ front-end"
  VERBATIM)
set(CLLM_WEB_SOURCES src/web/server.c src/web/api.c src/web/hub.c src/web/views.c src/web/assets.c ${CLLM_WEB_ASSETS_C})
