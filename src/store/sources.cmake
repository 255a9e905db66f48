# src/store: the results hub's storage interface (store.h) and its backends, one file per database: SQLite
# (libsqlite3) and PostgreSQL (libpq), each built when its library was found (CLLM_WITH_SQLITE, CLLM_WITH_PQ);
# record.c reads what the hub indexes out of a results file.
set(CLLM_STORE_SOURCES src/store/store.c src/store/record.c)
if(CLLM_WITH_SQLITE)
  list(APPEND CLLM_STORE_SOURCES src/store/store_sqlite.c)
endif()
if(CLLM_WITH_PQ)
  list(APPEND CLLM_STORE_SOURCES src/store/store_pg.c)
endif()
