/* model/err.h - status codes and error messages shared by every C unit.
 *
 * Library code never prints or exits: a function that can fail returns an
 * mps_status_t and, when the caller passes a non-NULL mps_err_t, fills in a
 * message that names the file, line, key or flag at fault.  Only a CLI main()
 * prints "mpsim: <msg>" and picks the exit status.
 *
 * This unit lives in model/ because model/ is the bottom of the dependency
 * graph (model <- traces <- sim); it formats text but does no I/O.
 */
#ifndef MPS_MODEL_ERR_H
#define MPS_MODEL_ERR_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	MPS_OK = 0,
	MPS_ERR_INVAL = -1,    /* bad argument or bad input value */
	MPS_ERR_RANGE = -2,    /* value out of its allowed range */
	MPS_ERR_NOMEM = -3,    /* allocation failed */
	MPS_ERR_IO = -4,       /* open/read/write failed */
	MPS_ERR_PARSE = -5,    /* malformed text, config or trace */
	MPS_ERR_MISMATCH = -6, /* a cross-check disagreed */
	MPS_ERR_DUT = -7,      /* the Verilated model failed */
	MPS_ERR_UNSUPPORTED = -8 /* valid request this build does not implement */
} mps_status_t;

typedef struct {
	int code;      /* an mps_status_t */
	char msg[256]; /* human-readable, no trailing newline */
} mps_err_t;

/* Name of a status code ("invalid argument", ...); never NULL. */
const char *mps_strerror(int code);

/* Record code and a printf-style message in *err (if err is non-NULL) and
 * return code, so that "return mps_err_set(err, MPS_ERR_PARSE, ...);" is one
 * line.  A message longer than the buffer is truncated. */
int mps_err_set(mps_err_t *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix an existing message with "prefix: " (for context added by callers,
 * e.g. a file name).  Returns err->code, or MPS_ERR_INVAL if err is NULL. */
int mps_err_prefix(mps_err_t *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif /* MPS_MODEL_ERR_H */
