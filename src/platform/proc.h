/* The platform shim for child processes: start one in its own process group with its output in a file, ask
 * whether it still runs, and stop the whole group for certain (no orphan, no zombie). */
#ifndef CLLM_PROC_H
#define CLLM_PROC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_proc {
    long pid;          /* also the process group id; 0 when none */
    bool running;      /* not yet reaped */
    int  exit_code;    /* after it ended: exit status, or 128 + signal */
};

/* Starts argv[0] (a path) with argv, stdin from /dev/null, stdout and stderr appended to log_path (may be NULL:
 * /dev/null), in a new process group. */
enum cllm_status cllm_proc_spawn(const char *const *argv, const char *log_path, struct cllm_proc *out, char *err,
                                 size_t errlen);
/* Reaps it if it ended (non-blocking); true while it runs. */
bool cllm_proc_alive(struct cllm_proc *p);
/* SIGTERM to the group, SIGKILL to the group after grace_ms, then reaps the child. Safe to call twice. */
void cllm_proc_stop(struct cllm_proc *p, int grace_ms);
/* SIGKILL to every group started here and not yet stopped: async-signal-safe, for a Ctrl-C handler. */
void cllm_proc_kill_all(void);

/* Resident set of process pid (0: this one) in GiB; peak: its high-water mark (VmHWM) instead. NAN with the
 * reason in why (may be NULL) when it cannot be read (gone, another user's, not Linux). */
double cllm_proc_rss_gb(long pid, bool peak, char *why, size_t whylen);
/* Starts a new high-water mark for pid (0: this one) by writing 5 to /proc/PID/clear_refs (Linux >= 4.0, own
 * processes); false when it cannot. */
bool cllm_proc_reset_rss_peak(long pid);

/* The process listening on TCP `port` on this machine (any local address, IPv4 or IPv6), found through
 * /proc/net/tcp{,6} and the sockets in /proc/PID/fd; 0 when none is found (not listening, another user's process
 * without the rights to look, not Linux). */
long cllm_proc_find_tcp_listener(int port);

/* A TCP port on 127.0.0.1 free right now (bind to port 0, read it back); -1 on failure. */
int cllm_free_tcp_port(void);

/* CPU time (user + system) of this process in seconds, from getrusage. */
double cllm_proc_self_cpu_s(void);

/* Resident set of this process in GiB (/proc/self/statm); NAN where it cannot be read. */
double cllm_proc_self_rss_gb(void);

#ifdef __cplusplus
}
#endif

#endif
