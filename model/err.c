/* model/err.c - status codes and error messages (see err.h). */
#include "err.h"

#include <stdio.h>
#include <string.h>

const char *mps_strerror(int code)
{
	switch (code) {
	case MPS_OK: return "ok";
	case MPS_ERR_INVAL: return "invalid argument";
	case MPS_ERR_RANGE: return "value out of range";
	case MPS_ERR_NOMEM: return "out of memory";
	case MPS_ERR_IO: return "i/o error";
	case MPS_ERR_PARSE: return "parse error";
	case MPS_ERR_MISMATCH: return "mismatch";
	case MPS_ERR_DUT: return "RTL model error";
	case MPS_ERR_UNSUPPORTED: return "unsupported";
	default: return "unknown error";
	}
}

int mps_err_set(mps_err_t *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

int mps_err_prefix(mps_err_t *err, const char *fmt, ...)
{
	char pre[128], old[sizeof err->msg];
	va_list ap;

	if (!err)
		return MPS_ERR_INVAL;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	/* the combined text may be cut at the buffer's end; that is intended */
	if (snprintf(err->msg, sizeof err->msg, "%.127s: %.200s", pre, old) < 0)
		err->msg[0] = '\0';
	return err->code;
}
